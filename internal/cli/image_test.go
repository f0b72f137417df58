package cli

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeELF describes a minimal 64-bit little-endian ELF file for the static-binary check.
type fakeELF struct {
	machine elf.Machine
	osabi   elf.OSABI
	typ     elf.Type
	interp  bool // add a PT_INTERP program header, as a dynamically linked binary has
}

// write writes f to a file in dir and returns its path. It has an ELF header and one
// or two program headers, which is all debug/elf reads for the check.
func (f fakeELF) write(t *testing.T, dir, name string) string {
	t.Helper()
	const ehsize, phsize = 64, 56
	interp := []byte("/lib64/ld-linux-x86-64.so.2\x00")
	progs := []elf.Prog64{{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Align: 0x1000}}
	if f.interp {
		off := uint64(ehsize + 2*phsize)
		progs = append([]elf.Prog64{{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Off: off, Filesz: uint64(len(interp)), Memsz: uint64(len(interp)), Align: 1}}, progs...)
	}
	hdr := elf.Header64{
		Type:      uint16(f.typ),
		Machine:   uint16(f.machine),
		Version:   uint32(elf.EV_CURRENT),
		Phoff:     ehsize,
		Ehsize:    ehsize,
		Phentsize: phsize,
		Phnum:     uint16(len(progs)),
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	hdr.Ident[elf.EI_OSABI] = byte(f.osabi)
	var buf bytes.Buffer
	for _, v := range []any{hdr, progs} {
		if err := binary.Write(&buf, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	if f.interp {
		buf.Write(interp)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckStaticLinux(t *testing.T) {
	dir := t.TempDir()
	static := fakeELF{machine: elf.EM_X86_64, typ: elf.ET_EXEC}
	text := filepath.Join(dir, "script")
	if err := os.WriteFile(text, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		wantArch string // argument
		arch     string // result when no error
		wantErr  string
	}{
		{"static amd64", static.write(t, dir, "static"), "amd64", "amd64", ""},
		{"static, any arch", static.write(t, dir, "static2"), "", "amd64", ""},
		{"static PIE, Linux ABI", fakeELF{machine: elf.EM_AARCH64, osabi: elf.ELFOSABI_LINUX, typ: elf.ET_DYN}.write(t, dir, "pie"), "arm64", "arm64", ""},
		{"dynamic", fakeELF{machine: elf.EM_X86_64, typ: elf.ET_EXEC, interp: true}.write(t, dir, "dynamic"), "amd64", "", "dynamically linked"},
		{"other arch", fakeELF{machine: elf.EM_AARCH64, typ: elf.ET_EXEC}.write(t, dir, "arm"), "amd64", "", "built for arm64, not amd64"},
		{"FreeBSD", fakeELF{machine: elf.EM_X86_64, osabi: elf.ELFOSABI_FREEBSD, typ: elf.ET_EXEC}.write(t, dir, "bsd"), "", "", "not Linux"},
		{"object file", fakeELF{machine: elf.EM_X86_64, typ: elf.ET_REL}.write(t, dir, "obj"), "", "", "not an executable"},
		{"not ELF", text, "", "", "not a Linux executable (ELF)"},
		{"missing", filepath.Join(dir, "nope"), "", "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arch, err := checkStaticLinux(tc.path, tc.wantArch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || arch != tc.arch {
				t.Fatalf("= %q, %v; want %q", arch, err, tc.arch)
			}
		})
	}
}

// TestImageBinaryDefault checks the default (the running executable, here the test
// binary): accepted whether static or dynamically linked, since a dynamic one is
// packaged with its libraries.
func TestImageBinaryDefault(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path, arch, err := imageBinary("")
	if err != nil || path != self || arch != runtime.GOARCH {
		t.Fatalf("imageBinary = %q, %q, %v; want the test binary %s", path, arch, err, self)
	}
}

// TestImageBuildRefusesBeforeDocker covers the failures found before the engine is
// contacted, so they need no Docker.
func TestImageBuildRefusesBeforeDocker(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "script")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"not ELF", []string{"image", "build", "--binary", notELF}, []string{"--binary " + notELF + ": not a Linux executable", "GOOS=linux go build"}},
		{"missing binary", []string{"image", "build", "--binary", filepath.Join(dir, "nope")}, []string{"no such file"}},
		{"bad output", []string{"image", "build", "-o", "yaml"}, []string{"--output must be text or json"}},
		{"arguments", []string{"image", "build", "extra"}, []string{"unknown command"}},
		{"unknown flag", []string{"image", "build", "--push"}, []string{"unknown flag: --push"}},
		{"unknown subcommand", []string{"image", "biuld"}, []string{`unknown command "biuld" for "ecsmini image"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(tc.args, &stdout, &stderr); code != 1 {
				t.Fatalf("exit code %d, want 1\n%s", code, &stderr)
			}
			if lines := strings.Count(stderr.String(), "\n"); lines != 1 {
				t.Errorf("want a one-line error, got %d lines:\n%s", lines, &stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
		})
	}
}

func TestWorkloadDockerfile(t *testing.T) {
	for _, want := range []string{"FROM scratch\n", "COPY ecsmini /ecsmini\n", `ENTRYPOINT ["/ecsmini"]`, `CMD ["workload", "--listen", ":8080"]`} {
		if !strings.Contains(workloadDockerfile, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, workloadDockerfile)
		}
	}
}
