package cli

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
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

// staticBuildHint tells the user how to get a binary that fits a scratch image.
const staticBuildHint = "build one with: CGO_ENABLED=0 GOOS=linux go build -o ecsmini-linux . && ecsmini image build --binary ./ecsmini-linux"

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
		Short: "Package ecsmini as a FROM scratch workload image on the local Docker Engine",
		Long: `Package a static Linux ecsmini binary as a FROM scratch image on the local Docker Engine,
with ENTRYPOINT ["/ecsmini"] and CMD ["workload", "--listen", ":8080"], so tasks and demos have
an image without any registry. Any 'ecsmini workload' arguments can be given as the
container's command.

The binary is the running ecsmini when it is a static Linux executable for this machine's
architecture; otherwise build one and pass it with --binary:

  CGO_ENABLED=0 GOOS=linux go build -o ecsmini-linux . && ecsmini image build --binary ./ecsmini-linux`,
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
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read binary: %w", err)
			}
			ctx := cmd.Context()
			engine, err := dockerrt.Connect(ctx)
			if err != nil {
				return err
			}
			defer engine.Close()
			files := map[string][]byte{"Dockerfile": []byte(workloadDockerfile), "ecsmini": data}
			labels := map[string]string{"ecsmini.image": "workload", "ecsmini.version": Version}
			if err := engine.BuildImage(ctx, tag, files, labels); err != nil {
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
	f.StringVar(&binary, "binary", "", "static Linux ecsmini binary to package (default: the running ecsmini)")
	f.StringVarP(&output, "output", "o", "", "output format: text or json")
	return cmd
}

// imageBinary returns the binary to package and its architecture: path when given (any architecture, since
// the engine may run elsewhere, e.g. in a Docker Desktop VM), else the running
// executable, which must also match this machine's architecture.
func imageBinary(path string) (binary, arch string, err error) {
	if path != "" {
		arch, err := checkStaticLinux(path, "")
		if err != nil {
			return "", "", fmt.Errorf("--binary %s: %w; %s", path, err, staticBuildHint)
		}
		return path, arch, nil
	}
	self, err := os.Executable()
	if err != nil {
		return "", "", fmt.Errorf("cannot find the running ecsmini (%w); %s", err, staticBuildHint)
	}
	arch, err = checkStaticLinux(self, runtime.GOARCH)
	if err != nil {
		return "", "", fmt.Errorf("the running ecsmini (%s) cannot go into a scratch image: %w; %s", self, err, staticBuildHint)
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

// checkStaticLinux reports the architecture of the Linux executable at path, or why it
// cannot run in a scratch image: not ELF, built for another OS, dynamically linked (a
// PT_INTERP program header names a loader that scratch lacks) or, when wantArch is not
// empty, built for another architecture.
func checkStaticLinux(path, wantArch string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return "", errors.New("not a Linux executable (ELF)")
		}
		return "", err
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return "", fmt.Errorf("not an executable (ELF type %v)", f.Type)
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return "", fmt.Errorf("built for %v, not Linux", f.OSABI)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", errors.New("dynamically linked (it needs a loader, which a scratch image lacks)")
		}
	}
	arch, ok := elfArch[f.Machine]
	if !ok {
		arch = f.Machine.String()
	}
	if wantArch != "" && arch != wantArch {
		return "", fmt.Errorf("built for %s, not %s", arch, wantArch)
	}
	return arch, nil
}
