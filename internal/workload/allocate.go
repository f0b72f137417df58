package workload

import "os"

// allocate returns mib MiB of memory with every page written, so the pages are
// resident and count against the container's memory limit (untouched pages would not,
// and the OOM killer would never come). It allocates in 1 MiB chunks so that growth is
// gradual, as a leaking program's is, and no single huge allocation fails first.
func allocate(mib int) [][]byte {
	page := os.Getpagesize()
	held := make([][]byte, 0, mib)
	for range mib {
		chunk := make([]byte, 1<<20)
		for i := 0; i < len(chunk); i += page {
			chunk[i] = 1
		}
		held = append(held, chunk)
	}
	return held
}
