package composeapply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/fsnotify/fsnotify"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// watchDebounce is how long the files must be quiet before a change is applied, so
// that an editor's save (write, rename, chmod) or a `git checkout` is one change.
var watchDebounce = 400 * time.Millisecond

// watcher re-imports a compose project when its files change: the compose
// files, the env files and the build contexts. An edit that does not load leaves the
// running stack as it is; the next good one is applied.
type watcher struct {
	src  Source
	out  io.Writer
	sync *Syncer
	clk  clock.Clock // times the debounce
	// applied hears how each re-import ended (nil error: applied).
	applied func(error)

	files    map[string]bool // compose and env files
	contexts []string        // build context directories
	dirs     map[string]bool // directories under watch
}

// run watches until ctx ends.
func (w *watcher) run(ctx context.Context, p *types.Project) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer fw.Close()
	w.dirs = map[string]bool{}
	w.track(fw, p)
	fmt.Fprintf(w.out, "compose: watching %d files and %d build contexts\n", len(w.files), len(w.contexts))
	// The debounce timer hands its generation back; a stopped timer's late delivery
	// is stale and ignored.
	fire := make(chan int, 1)
	gen := 0
	var timer clock.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if !w.relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				w.addTree(fw, ev.Name) // a new directory in a build context
			}
			if timer != nil {
				timer.Stop()
			}
			gen++
			g := gen
			timer = w.clk.AfterFunc(watchDebounce, func() {
				select {
				case fire <- g:
				case <-ctx.Done():
				}
			})
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			fmt.Fprintf(w.out, "compose: watch: %v\n", err)
		case g := <-fire:
			if g != gen {
				continue // a timer stopped after it fired
			}
			timer = nil
			if np := w.reload(ctx); np != nil {
				w.track(fw, np)
			}
		}
	}
}

// reload loads and applies the files once; it returns the new project, or nil when
// the files do not load (the stack is left untouched).
func (w *watcher) reload(ctx context.Context) *types.Project {
	fmt.Fprintln(w.out, "compose: files changed, re-importing")
	p, plan, err := load(ctx, w.src, w.out)
	if err != nil {
		fmt.Fprintf(w.out, "compose: %v; the running stack is unchanged\n", err)
		w.report(fmt.Errorf("%w; the running stack is unchanged", err))
		return nil
	}
	err = w.sync.Sync(ctx, plan)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(w.out, "compose: %v\n", err)
	}
	w.report(err)
	return p
}

// track watches the project's files and build contexts (their directories, since
// editors replace files by renaming).
func (w *watcher) track(fw *fsnotify.Watcher, p *types.Project) {
	w.files = map[string]bool{}
	add := func(path string) {
		if abs, err := filepath.Abs(path); err == nil {
			w.files[abs] = true
			w.watchDir(fw, filepath.Dir(abs))
		}
	}
	for _, f := range p.ComposeFiles {
		add(f)
	}
	add(filepath.Join(p.WorkingDir, ".env"))
	for _, f := range w.src.EnvFiles {
		add(f)
	}
	w.contexts = nil
	for _, s := range p.Services {
		for _, ef := range s.EnvFiles {
			add(ef.Path)
		}
		if s.Build != nil && s.Build.Context != "" {
			if abs, err := filepath.Abs(s.Build.Context); err == nil {
				w.contexts = append(w.contexts, abs)
				w.addTree(fw, abs)
			}
		}
	}
}

func (w *watcher) watchDir(fw *fsnotify.Watcher, dir string) {
	if w.dirs[dir] {
		return
	}
	if err := fw.Add(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(w.out, "compose: watch %s: %v\n", dir, err)
		}
		return
	}
	w.dirs[dir] = true
}

// addTree watches a directory and every directory below it (fsnotify is not
// recursive), skipping .git.
func (w *watcher) addTree(fw *fsnotify.Watcher, root string) {
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return
	}
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil //nolint:nilerr // an unreadable entry is skipped, not fatal
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		w.watchDir(fw, path)
		return nil
	})
}

// relevant says whether a changed path is a watched file or inside a build context.
func (w *watcher) relevant(path string) bool {
	if w.files[path] {
		return true
	}
	for _, c := range w.contexts {
		if path == c || strings.HasPrefix(path, c+string(filepath.Separator)) {
			return !strings.Contains(path, string(filepath.Separator)+".git"+string(filepath.Separator))
		}
	}
	return false
}

// report tells the watcher's listener how a re-import ended.
func (w *watcher) report(err error) {
	if w.applied != nil {
		w.applied(err)
	}
}
