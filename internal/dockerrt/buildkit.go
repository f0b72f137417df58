package dockerrt

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	bkclient "github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerfile/builder"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	"github.com/tonistiigi/fsutil"
)

// BuildSpec is a Dockerfile build from a directory, as compose's build: asks for it.
type BuildSpec struct {
	Tag        string
	ContextDir string
	Dockerfile string // relative to ContextDir, or absolute; "" is ContextDir/Dockerfile
	Args       map[string]string
	Target     string
	Labels     map[string]string
	// Secrets are ID → source ("file" path or "env" variable) for RUN --mount=type=secret.
	Secrets []BuildSecret
	// SSH are the agents RUN --mount=type=ssh may use: "default" (SSH_AUTH_SOCK) or
	// ID=socket-or-key-path.
	SSH        []string
	CacheFrom  []string // BuildKit cache import specs, e.g. type=local,src=dir
	CacheTo    []string
	NoCache    bool
	Progress   io.Writer // build progress, plain lines; nil discards it
	Entitled   []string  // BuildKit entitlements allowed (none unless asked)
	Platform   string
	ShmSize    int64
	ExtraHosts []string
}

// BuildSecret is one build secret: its ID and where its value comes from.
type BuildSecret struct {
	ID   string
	File string
	Env  string
}

// Build builds spec on the engine's embedded BuildKit: ecsmini runs the Dockerfile
// frontend itself (BuildKit's own, linked in) and has the engine solve what it makes,
// with the build context, secrets and SSH agents served to the engine over a session.
// Every Dockerfile feature of that frontend (heredocs, RUN --mount, COPY --chmod and
// --link) therefore works even on an engine whose built-in frontend predates them, and
// no frontend image is pulled. Without BuildKit in the engine the classic builder is
// used, for what it can build.
func (e *Engine) Build(ctx context.Context, spec BuildSpec) error {
	progress := spec.Progress
	if progress == nil {
		progress = io.Discard
	}
	bk, err := e.buildkit(ctx)
	if err != nil {
		fmt.Fprintf(progress, "the engine has no BuildKit (%v): building with the classic builder\n", err)
		return e.buildClassic(ctx, spec, progress)
	}
	defer bk.Close()
	opt, err := solveOpt(spec)
	if err != nil {
		return fmt.Errorf("build %s: %w", spec.Tag, err)
	}
	status := make(chan *bkclient.SolveStatus)
	printed := make(chan *statusPrinter, 1)
	go func() {
		p := newStatusPrinter(progress)
		for s := range status {
			p.print(s)
		}
		printed <- p
	}()
	_, err = bk.Build(ctx, opt, "ecsmini", builder.Build, status) // closes status
	p := <-printed
	if err != nil {
		return fmt.Errorf("build %s: %s%s", spec.Tag, explainSyntax(err, spec), p.failedLogs())
	}
	return nil
}

// buildkit connects to the engine's embedded BuildKit through the engine's /grpc and
// /session endpoints, as the docker CLI's buildx driver does, and checks it answers.
func (e *Engine) buildkit(ctx context.Context) (*bkclient.Client, error) {
	bk, err := bkclient.New(ctx, "",
		bkclient.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return e.cli.DialHijack(ctx, "/grpc", "h2c", nil)
		}),
		bkclient.WithSessionDialer(func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
			return e.cli.DialHijack(ctx, "/session", proto, meta)
		}))
	if err != nil {
		return nil, err
	}
	if _, err := bk.ListWorkers(ctx); err != nil {
		bk.Close()
		return nil, err
	}
	return bk, nil
}

// solveOpt turns spec into BuildKit's solve options: the context and the Dockerfile's
// directory as local mounts, the frontend's attributes, the session's secrets and SSH
// agents, the cache and the image export under spec.Tag.
func solveOpt(spec BuildSpec) (bkclient.SolveOpt, error) {
	df := spec.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(spec.ContextDir, df)
	}
	ctxFS, err := fsutil.NewFS(spec.ContextDir)
	if err != nil {
		return bkclient.SolveOpt{}, fmt.Errorf("context %s: %w", spec.ContextDir, err)
	}
	dfFS, err := fsutil.NewFS(filepath.Dir(df))
	if err != nil {
		return bkclient.SolveOpt{}, fmt.Errorf("dockerfile %s: %w", df, err)
	}
	src, err := os.ReadFile(df)
	if err != nil {
		return bkclient.SolveOpt{}, fmt.Errorf("dockerfile: %w", err)
	}
	attrs := map[string]string{"filename": filepath.Base(df)}
	if builtinSyntax(src) {
		// docker/dockerfile:1.x is what ecsmini's own frontend is: no image to pull.
		attrs["cmdline"] = ""
	}
	if spec.Target != "" {
		attrs["target"] = spec.Target
	}
	if spec.NoCache {
		attrs["no-cache"] = ""
	}
	if spec.Platform != "" {
		attrs["platform"] = spec.Platform
	}
	if spec.ShmSize > 0 {
		attrs["shm-size"] = fmt.Sprint(spec.ShmSize)
	}
	if len(spec.ExtraHosts) > 0 {
		attrs["add-hosts"] = strings.Join(spec.ExtraHosts, ",")
	}
	for k, v := range spec.Args {
		attrs["build-arg:"+k] = v
	}
	for k, v := range spec.Labels {
		attrs["label:"+k] = v
	}
	var attach []session.Attachable
	if len(spec.Secrets) > 0 {
		var sources []secretsprovider.Source
		for _, s := range spec.Secrets {
			sources = append(sources, secretsprovider.Source{ID: s.ID, FilePath: s.File, Env: s.Env})
		}
		store, err := secretsprovider.NewStore(sources)
		if err != nil {
			return bkclient.SolveOpt{}, fmt.Errorf("secrets: %w", err)
		}
		attach = append(attach, secretsprovider.NewSecretProvider(store))
	}
	if len(spec.SSH) > 0 {
		var confs []sshprovider.AgentConfig
		for _, s := range spec.SSH {
			id, path, _ := strings.Cut(s, "=")
			conf := sshprovider.AgentConfig{ID: id}
			if path != "" {
				conf.Paths = []string{path}
			}
			confs = append(confs, conf)
		}
		agents, err := sshprovider.NewSSHAgentProvider(confs)
		if err != nil {
			return bkclient.SolveOpt{}, fmt.Errorf("ssh: %w", err)
		}
		attach = append(attach, agents)
	}
	cacheFrom, err := cacheEntries(spec.CacheFrom)
	if err != nil {
		return bkclient.SolveOpt{}, fmt.Errorf("cache_from: %w", err)
	}
	cacheTo, err := cacheEntries(spec.CacheTo)
	if err != nil {
		return bkclient.SolveOpt{}, fmt.Errorf("cache_to: %w", err)
	}
	return bkclient.SolveOpt{
		Exports:             []bkclient.ExportEntry{{Type: "moby", Attrs: map[string]string{"name": spec.Tag}}},
		LocalMounts:         map[string]fsutil.FS{"context": ctxFS, "dockerfile": dfFS},
		FrontendAttrs:       attrs,
		Session:             attach,
		CacheImports:        cacheFrom,
		CacheExports:        cacheTo,
		AllowedEntitlements: spec.Entitled,
	}, nil
}

// cacheEntries parses cache specs as the docker CLI takes them: "type=local,src=dir"
// and the like, or a bare image reference (type=registry,ref=IMAGE).
func cacheEntries(specs []string) ([]bkclient.CacheOptionsEntry, error) {
	var out []bkclient.CacheOptionsEntry
	for _, s := range specs {
		if !strings.Contains(s, "=") {
			out = append(out, bkclient.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": s}})
			continue
		}
		e := bkclient.CacheOptionsEntry{Attrs: map[string]string{}}
		for _, field := range strings.Split(s, ",") {
			k, v, ok := strings.Cut(field, "=")
			if !ok {
				return nil, fmt.Errorf("%q: %q is not key=value", s, field)
			}
			if k == "type" {
				e.Type = v
			} else {
				e.Attrs[k] = v
			}
		}
		if e.Type == "" {
			return nil, fmt.Errorf("%q has no type=", s)
		}
		out = append(out, e)
	}
	return out, nil
}

// builtinSyntax reports whether the Dockerfile's `# syntax=` line names the official
// Dockerfile frontend at a 1.x version (not a labs or other build), which the frontend
// linked into ecsmini provides. Another syntax is forwarded to its image.
func builtinSyntax(src []byte) bool {
	ref, _, _, ok := parser.DetectSyntax(src)
	if !ok {
		return false
	}
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "docker.io/"), "library/")
	name, tag, _ := strings.Cut(ref, ":")
	if name != "docker/dockerfile" {
		return false
	}
	tag, _, _ = strings.Cut(tag, "@")
	return tag == "" || tag == "1" || strings.HasPrefix(tag, "1.") && !strings.Contains(tag, "-")
}

// explainSyntax adds to a build error, when the Dockerfile names a frontend image that
// had to be fetched, that this is what failed and what to do.
func explainSyntax(err error, spec BuildSpec) string {
	msg := err.Error()
	df := spec.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if !filepath.IsAbs(df) {
		df = filepath.Join(spec.ContextDir, df)
	}
	src, rerr := os.ReadFile(df)
	if rerr != nil || builtinSyntax(src) {
		return msg
	}
	ref, _, _, ok := parser.DetectSyntax(src)
	if !ok {
		return msg
	}
	return fmt.Sprintf("the Dockerfile's '# syntax=%s' line asks for a frontend image that cannot be had (%s); "+
		"ecsmini builds with its own Dockerfile frontend (docker/dockerfile:1): remove the line, or name docker/dockerfile:1", ref, msg)
}
