package cli

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkloadContextDynamic packages a dynamically linked executable of this machine
// (/bin/sh) as the workload image would be: its loader and libc go under rootfs/ at
// the paths the loader looks for them, and the Dockerfile copies them in.
func TestWorkloadContextDynamic(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	sh, _ = filepath.EvalSymlinks(sh)
	f, err := elf.Open(sh)
	if err != nil {
		t.Skipf("%s is not ELF: %v", sh, err)
	}
	interp, err := elfInterp(f)
	f.Close()
	if err != nil || interp == "" {
		t.Skipf("%s is not dynamically linked", sh)
	}
	files, err := workloadContext(sh)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(files["Dockerfile"]); got != dynamicDockerfile {
		t.Errorf("Dockerfile = %q, want the dynamic one", got)
	}
	if _, ok := files["rootfs/"+strings.TrimPrefix(interp, "/")]; !ok {
		t.Errorf("the loader %s is not in the context", interp)
	}
	libc := false
	for name, data := range files {
		if strings.HasPrefix(name, "rootfs/") && !strings.HasPrefix(string(data), "\x7fELF") {
			t.Errorf("%s is not an ELF file", name)
		}
		libc = libc || strings.Contains(name, "/libc.so")
	}
	if !libc {
		t.Errorf("no libc in %v", keys(files))
	}
}

// TestWorkloadContextStatic: a static binary goes in alone, with the scratch Dockerfile.
func TestWorkloadContextStatic(t *testing.T) {
	bin := fakeELF{machine: elf.EM_X86_64, typ: elf.ET_EXEC}.write(t, t.TempDir(), "static")
	files, err := workloadContext(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || string(files["Dockerfile"]) != workloadDockerfile {
		t.Errorf("context = %v, want Dockerfile and ecsmini", keys(files))
	}
}

// TestSharedLibrariesMissing: a needed library found nowhere is an error naming it.
func TestFindLibraryMissing(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = findLibrary("libnothere.so.9", []string{t.TempDir()}, f)
	if err == nil || !strings.Contains(err.Error(), "libnothere.so.9") {
		t.Errorf("err = %v", err)
	}
}

// TestLdSoConf reads directories and follows includes.
func TestLdSoConf(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "ld.so.conf.d")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "ld.so.conf"), "include ld.so.conf.d/*.conf\n/opt/a # comment\n")
	write(filepath.Join(sub, "x.conf"), "# libc\n/usr/local/lib\n\n")
	got := strings.Join(ldSoConf(filepath.Join(dir, "ld.so.conf"), 0), " ")
	if got != "/usr/local/lib /opt/a" {
		t.Errorf("dirs = %q", got)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
