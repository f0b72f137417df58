package composeimport

import (
	"os"
	"testing"
)

func TestFargateSize(t *testing.T) {
	tests := []struct {
		cpu, mem         int
		wantCPU, wantMem int
		wantErr          bool
	}{
		{0, 0, 256, 512, false},
		{256, 512, 256, 512, false},
		{100, 600, 256, 1024, false},
		{256, 3000, 512, 3072, false},
		{512, 5000, 1024, 5120, false},
		{1536, 2048, 2048, 4096, false},
		{4096, 31000, 8192, 32768, false},
		{16384, 122880, 16384, 122880, false},
		{16385, 0, 0, 0, true},
		{0, 200000, 0, 0, true},
	}
	for _, tt := range tests {
		cpu, mem, err := fargateSize(tt.cpu, tt.mem)
		if (err != nil) != tt.wantErr || cpu != tt.wantCPU || mem != tt.wantMem {
			t.Errorf("fargateSize(%d, %d) = %d, %d, %v; want %d, %d (error %v)", tt.cpu, tt.mem, cpu, mem, err, tt.wantCPU, tt.wantMem, tt.wantErr)
		}
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
