package fargate

import "testing"

func TestValidTaskSize(t *testing.T) {
	tests := []struct {
		name     string
		cpu, mem int
		os       string
		want     bool
	}{
		{"quarter vCPU smallest", 256, 512, "", true},
		{"quarter vCPU 2GB", 256, 2048, "LINUX", true},
		{"quarter vCPU 1.5GB not discrete", 256, 1536, "", false},
		{"quarter vCPU 3GB too big", 256, 3072, "", false},
		{"half vCPU 512 too small", 512, 512, "", false},
		{"half vCPU 4GB", 512, 4096, "", true},
		{"1 vCPU 2GB", 1024, 2048, "", true},
		{"1 vCPU 8GB", 1024, 8192, "", true},
		{"1 vCPU 9GB too big", 1024, 9216, "", false},
		{"1 vCPU off-step", 1024, 2560, "", false},
		{"2 vCPU 16GB", 2048, 16384, "", true},
		{"4 vCPU 30GB", 4096, 30720, "", true},
		{"4 vCPU 7GB too small", 4096, 7168, "", false},
		{"8 vCPU 16GB", 8192, 16384, "", true},
		{"8 vCPU 20GB", 8192, 20480, "", true},
		{"8 vCPU 17GB off 4GB step", 8192, 17408, "", false},
		{"8 vCPU 60GB", 8192, 61440, "", true},
		{"16 vCPU 32GB", 16384, 32768, "", true},
		{"16 vCPU 40GB", 16384, 40960, "", true},
		{"16 vCPU 36GB off 8GB step", 16384, 36864, "", false},
		{"16 vCPU 120GB", 16384, 122880, "", true},
		{"16 vCPU 128GB too big", 16384, 131072, "", false},
		{"unknown cpu", 768, 2048, "", false},
		{"zero", 0, 0, "", false},
		{"negative", -256, -512, "", false},
		{"windows needs 1 vCPU", 512, 1024, "WINDOWS_SERVER_2019_CORE", false},
		{"windows 1 vCPU ok", 1024, 2048, "WINDOWS_SERVER_2022_FULL", true},
		{"windows no 8 vCPU", 8192, 16384, "WINDOWS_SERVER_2019_FULL", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidTaskSize(tt.cpu, tt.mem, tt.os); got != tt.want {
				t.Errorf("ValidTaskSize(%d, %d, %q) = %v, want %v", tt.cpu, tt.mem, tt.os, got, tt.want)
			}
		})
	}
}

func TestSizesAreAllValidAndComplete(t *testing.T) {
	sizes := Sizes()
	// 3 + 4 + 7 + 13 + 23 + 12 + 12 combinations.
	if len(sizes) != 74 {
		t.Fatalf("len(Sizes()) = %d, want 74", len(sizes))
	}
	seen := map[Size]bool{}
	for _, s := range sizes {
		if !ValidTaskSize(s.CPU, s.MemoryMiB, "LINUX") {
			t.Errorf("Sizes() lists invalid %+v", s)
		}
		if seen[s] {
			t.Errorf("duplicate %+v", s)
		}
		seen[s] = true
	}
}

func TestHelpers(t *testing.T) {
	if !ValidCPU(256, "") || ValidCPU(256, "WINDOWS_SERVER_2019_CORE") || ValidCPU(300, "") {
		t.Error("ValidCPU disagrees with the table")
	}
	if !ValidMemory(512, "") || ValidMemory(512, "WINDOWS_SERVER_2019_CORE") || ValidMemory(100, "") {
		t.Error("ValidMemory disagrees with the table")
	}
	if got := MemoryOptions(512); len(got) != 4 || got[3] != 4096 {
		t.Errorf("MemoryOptions(512) = %v", got)
	}
	if MemoryOptions(1) != nil {
		t.Error("MemoryOptions(1) should be nil")
	}
	if MinPlatformVersion(8192) != "1.4.0" || MinPlatformVersion(1024) != "" {
		t.Error("MinPlatformVersion wrong")
	}
	// MemoryOptions must return a copy: callers may not corrupt the table.
	MemoryOptions(256)[0] = 1
	if !ValidTaskSize(256, 512, "") {
		t.Error("MemoryOptions leaked the table")
	}
}
