package cli

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// DefaultImageTag is the image `ecsmini image build` produces unless told otherwise.
const DefaultImageTag = "ecsmini-demo:latest"

// workloadDockerfile packages ecsmini alone into an empty image. There is no shell, so
// the entrypoint is the binary itself and health checks use `workload probe`.
const workloadDockerfile = `FROM scratch
COPY ecsmini /ecsmini
EXPOSE 8080
ENTRYPOINT ["/ecsmini"]
CMD ["workload", "--listen", ":8080"]
`

// binaryHint tells the user how to get a binary for the engine's machine.
const binaryHint = "build one with: GOOS=linux go build -o ecsmini-linux . && ecsmini image build --binary ./ecsmini-linux"

func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Manage the ecsmini workload image",
		Args:  cobra.NoArgs, // an unknown subcommand is an error, not the help
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newImageBuildCmd())
	return cmd
}

func newImageBuildCmd() *cobra.Command {
	var tag, binary, output string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Package ecsmini as a workload image on the local Docker Engine",
		Long: `Package a Linux ecsmini binary as a FROM scratch image on the local Docker Engine,
with ENTRYPOINT ["/ecsmini"] and CMD ["workload", "--listen", ":8080"], so tasks and demos have
an image without any registry. Any 'ecsmini workload' arguments can be given as the
container's command.

'ecsmini up' builds this image by itself the first time a task needs it (as the pause image
of awsvpc tasks, or as ecsmini-demo:latest); this command rebuilds it, e.g. after an upgrade.

The binary is the running ecsmini unless --binary names another (for another architecture,
say). A dynamically linked binary (a plain 'go build' with cgo) goes in with its loader and
shared libraries.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "" && output != "text" && output != "json" {
				return fmt.Errorf("--output must be text or json, not %q", output)
			}
			path, arch, err := imageBinary(binary)
			if err != nil {
				return err
			}
			if arch != runtime.GOARCH {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s is a linux/%s binary; the image runs only on a %s engine\n", path, arch, arch)
			}
			ctx := cmd.Context()
			engine, err := dockerrt.Connect(ctx)
			if err != nil {
				return err
			}
			defer engine.Close()
			if err := buildWorkloadImageFrom(ctx, engine, tag, path); err != nil {
				return err
			}
			img, err := engine.EnsureImage(ctx, tag)
			if err != nil {
				return fmt.Errorf("built %s but cannot inspect it: %w", tag, err)
			}
			if output == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]string{"tag": tag, "id": img.ID, "binary": path})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", tag, img.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&tag, "tag", "t", DefaultImageTag, "name and tag of the image")
	f.StringVar(&binary, "binary", "", "Linux ecsmini binary to package (default: the running ecsmini)")
	f.StringVarP(&output, "output", "o", "", "output format: text or json")
	return cmd
}

// imageBinary returns the binary to package and its architecture: path when given (any
// architecture, since the engine may run elsewhere, e.g. in a Docker Desktop VM), else
// the running executable, which must also match this machine's architecture.
func imageBinary(path string) (binary, arch string, err error) {
	if path != "" {
		arch, _, err := checkLinuxExec(path, "")
		if err != nil {
			return "", "", fmt.Errorf("--binary %s: %w; %s", path, err, binaryHint)
		}
		return path, arch, nil
	}
	self, err := os.Executable()
	if err != nil {
		return "", "", fmt.Errorf("cannot find the running ecsmini (%w); %s", err, binaryHint)
	}
	arch, _, err = checkLinuxExec(self, runtime.GOARCH)
	if err != nil {
		return "", "", fmt.Errorf("the running ecsmini (%s) cannot go into a Linux image: %w; %s", self, err, binaryHint)
	}
	return self, arch, nil
}

// elfArch maps ELF machines to GOARCH names, for the architectures Docker runs.
var elfArch = map[elf.Machine]string{
	elf.EM_X86_64:    "amd64",
	elf.EM_AARCH64:   "arm64",
	elf.EM_386:       "386",
	elf.EM_ARM:       "arm",
	elf.EM_RISCV:     "riscv64",
	elf.EM_PPC64:     "ppc64le",
	elf.EM_S390:      "s390x",
	elf.EM_LOONGARCH: "loong64",
}

// checkStaticLinux is checkLinuxExec for a binary that must go into a scratch image
// alone: a dynamically linked one is an error.
func checkStaticLinux(path, wantArch string) (string, error) {
	arch, dynamic, err := checkLinuxExec(path, wantArch)
	if err == nil && dynamic {
		err = errors.New("dynamically linked (it needs a loader, which a scratch image lacks)")
	}
	return arch, err
}

// checkLinuxExec reports the architecture of the Linux executable at path and whether
// it is dynamically linked (a PT_INTERP program header names its loader), or why it
// cannot run in an image: not ELF, built for another OS or, when wantArch is not empty,
// built for another architecture.
func checkLinuxExec(path, wantArch string) (arch string, dynamic bool, err error) {
	f, err := elf.Open(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "", false, errors.New("not a Linux executable (ELF)")
		}
		return "", false, err
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return "", false, fmt.Errorf("not an executable (ELF type %v)", f.Type)
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return "", false, fmt.Errorf("built for %v, not Linux", f.OSABI)
	}
	for _, p := range f.Progs {
		dynamic = dynamic || p.Type == elf.PT_INTERP
	}
	arch, ok := elfArch[f.Machine]
	if !ok {
		arch = f.Machine.String()
	}
	if wantArch != "" && arch != wantArch {
		return "", false, fmt.Errorf("built for %s, not %s", arch, wantArch)
	}
	return arch, dynamic, nil
}
