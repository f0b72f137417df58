package agent

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// msgEnvFiles starts ECS's reason for env files it cannot fetch; the task's
// stoppedReason is "ResourceInitializationError: " followed by it.
const msgEnvFiles = "failed to download env files: "

// loadEnvFiles reads a container's environmentFiles as the ECS agent does, and returns
// the variables they set. In ecsmini a file's value is a local path (absolute, or a
// file:// URL) instead of an S3 object ARN; an S3 ARN fails with a clear message, since
// ecsmini runs offline. When a variable is in several files, the first file's value
// wins. The caller layers the definition's environment over the result.
func loadEnvFiles(files []ecs.EnvironmentFile) (map[string]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, f := range files {
		path, err := envFilePath(f.Value)
		if err != nil {
			return nil, fmt.Errorf("%s%w", msgEnvFiles, err)
		}
		file, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("%s%w", msgEnvFiles, err)
		}
		vars, err := parseEnvFile(file)
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("%sreading %s: %w", msgEnvFiles, path, err)
		}
		for k, v := range vars {
			if _, set := out[k]; !set {
				out[k] = v
			}
		}
	}
	return out, nil
}

// envFilePath is the local file an environmentFiles value names.
func envFilePath(value string) (string, error) {
	switch {
	case strings.HasPrefix(value, "arn:") || strings.HasPrefix(value, "s3://"):
		return "", fmt.Errorf("%s: ecsmini runs offline; use a local path (absolute, or a file:// URL) instead of an S3 object", value)
	case strings.HasPrefix(value, "file://"):
		u, err := url.Parse(value)
		if err != nil {
			return "", fmt.Errorf("%s: %w", value, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("%s: a file:// URL must name a local file (file:///path)", value)
		}
		return filepath.FromSlash(u.Path), nil
	case filepath.IsAbs(value):
		return value, nil
	}
	return "", fmt.Errorf("%q: want an absolute path or a file:// URL (ecsmini reads env files locally)", value)
}

// parseEnvFile reads VARIABLE=VALUE lines exactly as the ECS agent does: a line starting
// with # is a comment; a line without "=" is skipped, and so is one with an empty name
// or value; the value is everything after the first "=", spaces and quotes included
// (no quote or escape processing). A later line for the same variable replaces an
// earlier one. ecsmini also drops a trailing "\r", so files saved with CRLF line ends
// give the same values as on Linux.
func parseEnvFile(r io.Reader) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" || value == "" {
			continue
		}
		vars[name] = value
	}
	return vars, sc.Err()
}

// prepare resolves, once and before the task's first container starts, what needs I/O:
// its volumes, then each container's secrets and environment files (a container
// override's environmentFiles replace the definition's). A failure is the reason the
// task fails to start, in ECS's words.
func (r *runner) prepare(ctx context.Context, task *ecs.Task, td *ecs.TaskDefinition) error {
	if r.prepared {
		return nil
	}
	r.prepared = true
	if err := r.prepareVolumes(ctx, td); err != nil {
		return err
	}
	if err := r.prepareAWSLogs(td); err != nil {
		return err
	}
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		name := ecs.Deref(cd.Name)
		secrets, err := resolveSecrets(r.a.cfg.Secrets, cd.Secrets)
		if err != nil {
			return fmt.Errorf("ResourceInitializationError: %w", err)
		}
		files := cd.EnvironmentFiles
		if ov := containerOverride(task, name); ov != nil && ov.EnvironmentFiles != nil {
			files = ov.EnvironmentFiles
		}
		env, err := loadEnvFiles(files)
		if err != nil {
			return fmt.Errorf("ResourceInitializationError: %w", err)
		}
		// Kept only when there are some (two empty maps were 400 bytes a task).
		if len(secrets) > 0 {
			if r.secrets == nil {
				r.secrets = map[string]map[string]string{}
			}
			r.secrets[name] = secrets
		}
		if len(env) > 0 {
			if r.envFiles == nil {
				r.envFiles = map[string]map[string]string{}
			}
			r.envFiles[name] = env
		}
	}
	return nil
}
