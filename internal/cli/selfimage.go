package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// dynamicDockerfile packages a dynamically linked ecsmini with its loader and shared
// libraries (under rootfs/, at the paths the binary looks for them).
const dynamicDockerfile = `FROM scratch
COPY rootfs/ /
COPY ecsmini /ecsmini
EXPOSE 8080
ENTRYPOINT ["/ecsmini"]
CMD ["workload", "--listen", ":8080"]
`

// workloadContext returns the build context that packages the Linux ecsmini binary at
// bin as the workload image. A static binary goes in alone; a dynamically linked one
// (what a plain `go build` or `go run` makes when cgo is on) goes in with its ELF
// interpreter and every shared library it needs, found as the loader would find them,
// so that any ecsmini can package itself.
func workloadContext(bin string) (map[string][]byte, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("read binary: %w", err)
	}
	files := map[string][]byte{"Dockerfile": []byte(workloadDockerfile), "ecsmini": data}
	libs, err := sharedLibraries(bin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	if len(libs) == 0 {
		return files, nil
	}
	files["Dockerfile"] = []byte(dynamicDockerfile)
	for _, lib := range libs {
		b, err := os.ReadFile(lib) // through symlinks: the image gets the file itself
		if err != nil {
			return nil, fmt.Errorf("read %s, which %s needs: %w", lib, bin, err)
		}
		files["rootfs/"+strings.TrimPrefix(lib, "/")] = b
	}
	return files, nil
}

// sharedLibraries lists what the ELF executable bin needs at run time beyond itself:
// its interpreter (PT_INTERP) and, transitively, the DT_NEEDED libraries, resolved
// through DT_RUNPATH/DT_RPATH, /etc/ld.so.conf and the default directories. A static
// binary needs nothing. A library that cannot be found is an error: the image would
// not start.
func sharedLibraries(bin string) ([]string, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	interp, err := elfInterp(f)
	if err != nil || interp == "" {
		return nil, err
	}
	dirs := loaderDirs()
	out := []string{interp}
	seen := map[string]bool{interp: true}
	queue := []*elfDeps{{file: f, origin: filepath.Dir(bin)}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		needed, err := cur.file.ImportedLibraries()
		if err != nil {
			return nil, fmt.Errorf("reading its needed libraries: %w", err)
		}
		search := append(runPaths(cur.file, cur.origin), dirs...)
		for _, name := range needed {
			lib, err := findLibrary(name, search, f)
			if err != nil {
				return nil, err
			}
			if seen[lib] {
				continue
			}
			seen[lib] = true
			out = append(out, lib)
			lf, err := elf.Open(lib)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", lib, err)
			}
			defer lf.Close()
			queue = append(queue, &elfDeps{file: lf, origin: filepath.Dir(lib)})
		}
	}
	return out, nil
}

// elfDeps is an ELF file whose needed libraries are still to be resolved, and the
// directory $ORIGIN stands for in its run paths.
type elfDeps struct {
	file   *elf.File
	origin string
}

// elfInterp returns the program interpreter (the dynamic loader) f names, or "" for a
// static executable.
func elfInterp(f *elf.File) (string, error) {
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return "", fmt.Errorf("reading its interpreter: %w", err)
		}
		return string(bytes.TrimRight(b, "\x00")), nil
	}
	return "", nil
}

// runPaths are the directories f's DT_RUNPATH (or, without it, DT_RPATH) names, with
// $ORIGIN expanded.
func runPaths(f *elf.File, origin string) []string {
	paths, _ := f.DynString(elf.DT_RUNPATH)
	if len(paths) == 0 {
		paths, _ = f.DynString(elf.DT_RPATH)
	}
	var dirs []string
	for _, p := range paths {
		for _, d := range strings.Split(p, ":") {
			d = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", origin), "$ORIGIN", origin)
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// loaderDirs are the directories the loader searches after the run paths: those of
// /etc/ld.so.conf (and the files it includes), then the default ones.
func loaderDirs() []string {
	dirs := ldSoConf("/etc/ld.so.conf", 0)
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
		"/lib/"+multiarch(), "/usr/lib/"+multiarch())
}

// multiarch is Debian's multiarch directory name for this architecture.
func multiarch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64-linux-gnu"
	case "arm64":
		return "aarch64-linux-gnu"
	}
	return runtime.GOARCH + "-linux-gnu"
}

// ldSoConf reads the directories of an ld.so.conf file, following include lines
// (globs) a few levels deep. A missing file lists nothing.
func ldSoConf(file string, depth int) []string {
	if depth > 4 {
		return nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var dirs []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if pattern, ok := strings.CutPrefix(line, "include"); ok && (strings.HasPrefix(pattern, " ") || strings.HasPrefix(pattern, "\t")) {
			pattern = strings.TrimSpace(pattern)
			if !path.IsAbs(pattern) {
				pattern = filepath.Join(filepath.Dir(file), pattern)
			}
			matches, _ := filepath.Glob(pattern)
			for _, m := range matches {
				dirs = append(dirs, ldSoConf(m, depth+1)...)
			}
			continue
		}
		if strings.HasPrefix(line, "/") {
			dirs = append(dirs, line)
		}
	}
	return dirs
}

// findLibrary finds the library name (a DT_NEEDED entry) in dirs, keeping only files
// of exe's ELF class and machine, as the loader skips the others.
func findLibrary(name string, dirs []string, exe *elf.File) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		lf, err := elf.Open(p)
		if err != nil {
			continue
		}
		match := lf.Class == exe.Class && lf.Machine == exe.Machine
		lf.Close()
		if match {
			return p, nil
		}
	}
	return "", fmt.Errorf("needs %s, which is in none of %s", name, strings.Join(dirs, ", "))
}

// buildWorkloadImageFrom builds tag from the Linux ecsmini binary at bin, labelled
// with the binary's build (dockerrt.LabelBuild), by which a later ecsmini tells whether
// the image is its own.
func buildWorkloadImageFrom(ctx context.Context, e *dockerrt.Engine, tag, bin string) error {
	files, err := workloadContext(bin)
	if err != nil {
		return err
	}
	build, err := binaryBuild(bin)
	if err != nil {
		return err
	}
	labels := map[string]string{"ecsmini.image": "workload", "ecsmini.version": Version, dockerrt.LabelBuild: build}
	return e.BuildImage(ctx, tag, files, labels)
}

// binaryBuild identifies the executable at path: a hash of the Go toolchain's build ID
// (which changes with the binary's content) when it has one, else of the whole file. It
// is read from the ELF note rather than hashing the ~50 MB file, so a start finds its
// image current in milliseconds.
func binaryBuild(path string) (string, error) {
	f, err := elf.Open(path)
	if err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if note, err := s.Data(); err == nil && len(note) > 0 {
				sum := sha256.Sum256(note)
				return "go-" + hex.EncodeToString(sum[:12]), nil
			}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("identifying %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	return "sha256-" + hex.EncodeToString(sum[:12]), nil
}

// selfBuild is binaryBuild of the running ecsmini, read once.
var selfBuild = sync.OnceValues(func() (string, error) {
	bin, _, err := imageBinary("")
	if err != nil {
		return "", err
	}
	return binaryBuild(bin)
})

// selfImageMaker builds the workload image from the running ecsmini, for the images
// `up` makes on first need (the pause image, ecsmini-demo:latest). say reports the
// build, which takes a few seconds the first time only.
func selfImageMaker(say func(format string, args ...any)) dockerrt.ImageMaker {
	return func(ctx context.Context, e *dockerrt.Engine, ref string) error {
		bin, _, err := imageBinary("")
		if err != nil {
			return err
		}
		say("building the image %s from this ecsmini (%s), once", ref, bin)
		return buildWorkloadImageFrom(ctx, e, ref, bin)
	}
}
