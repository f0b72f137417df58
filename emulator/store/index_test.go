package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestIndexMatchesSortedMap drives the chunked index and a plain map with the same random
// puts and deletes, freezing views along the way: listings must match the map in both
// directions from any start, and every frozen view must still show the rows it froze.
func TestIndexMatchesSortedMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x index[int]
	ref := map[string]int{}
	type view struct {
		chunks []*chunk[int]
		want   string
	}
	var views []view
	for step := 0; step < 20000; step++ {
		k := fmt.Sprintf("k%04d", rng.IntN(3000))
		if rng.IntN(3) == 0 {
			x.remove(k)
			delete(ref, k)
		} else {
			v := step
			x.set(k, &v)
			ref[k] = v
		}
		if step%2500 == 0 {
			views = append(views, view{x.freeze(), refString(ref, "", false)})
		}
	}
	for _, from := range []string{"", "k0000", "k1500", "k15005", "k2999", "k3", "a"} {
		for _, desc := range []bool{false, true} {
			var got []string
			fn := func(k string, v *int) bool { got = append(got, fmt.Sprintf("%s=%d", k, *v)); return true }
			if desc {
				x.descend(from, fn)
			} else {
				x.ascend(from, fn)
			}
			if want := refString(ref, from, desc); strings.Join(got, ",") != want {
				t.Fatalf("from %q desc %v: index and map differ", from, desc)
			}
		}
	}
	for i, v := range views {
		var got []string
		for _, c := range v.chunks {
			for _, e := range c.ents {
				got = append(got, fmt.Sprintf("%s=%d", e.key, *e.val))
			}
		}
		if strings.Join(got, ",") != v.want {
			t.Fatalf("frozen view %d changed after later writes", i)
		}
	}
}

func refString(ref map[string]int, from string, desc bool) string {
	var ks []string
	for k := range ref {
		if (!desc && k >= from) || (desc && (from == "" || k < from)) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	if desc {
		slices.Reverse(ks)
	}
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = fmt.Sprintf("%s=%d", k, ref[k])
	}
	return strings.Join(out, ",")
}
