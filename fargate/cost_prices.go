package fargate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Rates are the prices, in USD, of one vCPU and of one GB of memory for one hour.
type Rates struct {
	VCPUHour float64 `json:"vcpuHour"`
	GBHour   float64 `json:"gbHour"`
}

// ArchPrices are the on-demand and Fargate Spot rates of one CPU architecture.
type ArchPrices struct {
	OnDemand Rates `json:"onDemand"`
	Spot     Rates `json:"spot"`
}

// RegionPrices are the Linux Fargate prices of one region. Ephemeral storage above the
// 20 GiB every task gets is billed per GB-hour, at the same price on Spot.
type RegionPrices struct {
	X86                    ArchPrices `json:"X86_64"`
	ARM                    ArchPrices `json:"ARM64"`
	EphemeralStorageGBHour float64    `json:"ephemeralStorageGBHour"`
}

// PriceTable holds Fargate prices by region. Its JSON form is the --prices-file format:
//
//	{"regions": {"us-east-1": {"X86_64": {"onDemand": {"vcpuHour": 0.04048, "gbHour": 0.004445},
//	  "spot": {...}}, "ARM64": {...}, "ephemeralStorageGBHour": 0.000111}}}
type PriceTable struct {
	Regions map[string]RegionPrices `json:"regions"`
}

// FallbackRegion is the region whose prices apply to a region the table lacks.
const FallbackRegion = "us-east-1"

// SpotDiscount is the discount off on-demand that the built-in Spot prices assume.
// Fargate Spot prices float with long-term supply and demand; AWS publishes them on
// the Fargate pricing page and advertises "up to 70%" off. ecsmini does not fetch live
// prices, so its built-in Spot rates are the on-demand rates minus 70% (an
// approximation at the top of the range; observed Spot prices have mostly been 65–70%
// off, e.g. $0.01334053 per vCPU-hour in eu-west-1 at launch). Set real ones with
// `ecsmini up --prices-file`.
const SpotDiscount = 0.70

// usEast1 are the published us-east-1 (N. Virginia) Linux prices of
// https://aws.amazon.com/fargate/pricing/: X86_64 $0.04048 per vCPU-hour and $0.004445
// per GB-hour, ARM64 (Graviton) $0.03238 and $0.00356, ephemeral storage $0.000111 per
// GB-hour. us-east-2, us-west-2 and eu-west-1 publish the same figures.
var usEast1 = RegionPrices{
	X86:                    withSpot(Rates{VCPUHour: 0.04048, GBHour: 0.004445}),
	ARM:                    withSpot(Rates{VCPUHour: 0.03238, GBHour: 0.00356}),
	EphemeralStorageGBHour: 0.000111,
}

func withSpot(onDemand Rates) ArchPrices {
	spot := func(v float64) float64 { return math.Round(v*(1-SpotDiscount)*1e8) / 1e8 }
	return ArchPrices{OnDemand: onDemand, Spot: Rates{VCPUHour: spot(onDemand.VCPUHour), GBHour: spot(onDemand.GBHour)}}
}

// BuiltinPrices returns a fresh copy of ecsmini's built-in price table.
func BuiltinPrices() PriceTable {
	return PriceTable{Regions: map[string]RegionPrices{
		"us-east-1": usEast1,
		"us-east-2": usEast1,
		"us-west-2": usEast1,
		"eu-west-1": usEast1,
	}}
}

// For returns the prices of region and the region they are really for: the fallback
// region's when the table has none for region (and ok false then).
func (p PriceTable) For(region string) (prices RegionPrices, pricedAs string, ok bool) {
	if r, found := p.Regions[region]; found {
		return r, region, true
	}
	return p.Regions[FallbackRegion], FallbackRegion, false
}

// priceLeaves names every price of a region by its dotted JSON path.
func priceLeaves(r *RegionPrices) map[string]*float64 {
	out := map[string]*float64{"ephemeralStorageGBHour": &r.EphemeralStorageGBHour}
	for arch, a := range map[string]*ArchPrices{"X86_64": &r.X86, "ARM64": &r.ARM} {
		for kind, rt := range map[string]*Rates{"onDemand": &a.OnDemand, "spot": &a.Spot} {
			out[arch+"."+kind+".vcpuHour"] = &rt.VCPUHour
			out[arch+"."+kind+".gbHour"] = &rt.GBHour
		}
	}
	return out
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// MergePrices reads a prices file (the PriceTable JSON form) and lays it over base: a
// region base has may give only the prices it changes; a region base lacks must give
// every price. Every error names the file's offending path, e.g.
// `regions.us-east-1.X86_64.spot.vcpuHour: want a number ≥ 0, not "cheap"`.
func MergePrices(base PriceTable, data []byte) (PriceTable, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return PriceTable{}, fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return PriceTable{}, fmt.Errorf("not JSON: more than one value")
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return PriceTable{}, fmt.Errorf(`want an object {"regions": {REGION: {...}}}`)
	}
	for k := range top {
		if k != "regions" {
			return PriceTable{}, fmt.Errorf(`%s: unknown field (want "regions")`, k)
		}
	}
	regions, ok := top["regions"].(map[string]any)
	if !ok {
		return PriceTable{}, fmt.Errorf(`regions: want an object of region name → prices`)
	}
	out := PriceTable{Regions: make(map[string]RegionPrices, len(base.Regions)+len(regions))}
	for name, r := range base.Regions {
		out.Regions[name] = r
	}
	for _, name := range sortedKeys(regions) {
		where := "regions." + name
		if !regionRE.MatchString(name) {
			return PriceTable{}, fmt.Errorf("%s: %q is not a region name like us-east-1", where, name)
		}
		r, known := base.Regions[name]
		leaves := priceLeaves(&r)
		given := map[string]bool{}
		if err := setPrices(where, "", regions[name], leaves, given); err != nil {
			return PriceTable{}, err
		}
		if !known && len(given) < len(leaves) {
			var missing []string
			for path := range leaves {
				if !given[path] {
					missing = append(missing, path)
				}
			}
			slices.Sort(missing)
			return PriceTable{}, fmt.Errorf("%s: ecsmini has no built-in prices for %s, so every price must be given; missing %s",
				where, name, strings.Join(missing, ", "))
		}
		out.Regions[name] = r
	}
	return out, nil
}

// setPrices walks one region's JSON value, setting the leaves it names.
func setPrices(where, path string, v any, leaves map[string]*float64, given map[string]bool) error {
	at := where
	if path != "" {
		at += "." + path
	}
	if obj, isObj := v.(map[string]any); isObj {
		if _, isLeaf := leaves[path]; isLeaf {
			return fmt.Errorf("%s: want a number ≥ 0 (USD per hour), not an object", at)
		}
		for _, k := range sortedKeys(obj) {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			if !hasPrefixPath(leaves, sub) {
				return fmt.Errorf("%s.%s: unknown field (want %s)", at, k, strings.Join(childNames(leaves, path), ", "))
			}
			if err := setPrices(where, sub, obj[k], leaves, given); err != nil {
				return err
			}
		}
		return nil
	}
	leaf, isLeaf := leaves[path]
	if !isLeaf {
		return fmt.Errorf("%s: want an object with %s", at, strings.Join(childNames(leaves, path), ", "))
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		b, _ := json.Marshal(v)
		return fmt.Errorf("%s: want a number ≥ 0 (USD per hour), not %s", at, b)
	}
	*leaf = f
	given[path] = true
	return nil
}

func hasPrefixPath(leaves map[string]*float64, path string) bool {
	for p := range leaves {
		if p == path || strings.HasPrefix(p, path+".") {
			return true
		}
	}
	return false
}

// childNames lists the names one level below path.
func childNames(leaves map[string]*float64, path string) []string {
	prefix := ""
	if path != "" {
		prefix = path + "."
	}
	var out []string
	for p := range leaves {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			name, _, _ := strings.Cut(rest, ".")
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
