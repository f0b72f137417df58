package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Options configure a Model.
type Options struct {
	// Context bounds the model's calls to its Source and Actions (default Background).
	Context context.Context
	// Cluster is the cluster shown first (default: the first one, "default" if present).
	Cluster string
	// Now is the wall clock (default time.Now); tests fix it.
	Now func() time.Time
	// Colour turns colours on; callers turn it off for NO_COLOR or a dumb terminal.
	Colour bool
	// Refresh is how often a snapshot is taken when no event asks for one (default 2 s).
	Refresh time.Duration
	// Tick is how often countdowns and ages move (default 500 ms; negative: never,
	// for tests that drive the model with messages).
	Tick time.Duration
	// ConfirmQuit, when set, is the question q asks before quitting, for a dashboard
	// whose quitting stops ecsmini and every task (up, demo); ctrl+c quits at once.
	ConfirmQuit string
	// Notes are lines from whoever runs beside the dashboard (the compose watcher's
	// re-imports and errors, the demo's narration), shown above the footer and in
	// full on the messages screen (m); nil: none.
	Notes <-chan Note
	// Clipboard copies text to the terminal's clipboard (the describe view's c);
	// nil: copying is unavailable. SaveDir is where w writes the described object
	// (default the temporary directory).
	Clipboard func(text string) error
	SaveDir   string
}

// Caps on what the model keeps, so that a long session stays small and fast.
const (
	maxEvents   = 2000
	maxLogLines = 5000
	// eventBurst is how many waiting events one message carries.
	eventBurst = 512
	// settle is how soon after an event a new snapshot is taken, at least: twice
	// as long as the last snapshot took, so that a large emulator under a stream of
	// events spends at most a third of its time on the dashboard.
	settle = 250 * time.Millisecond
)

// Model is the dashboard: a bubbletea model over a Source and Actions.
type Model struct {
	src  Source
	act  Actions
	opts Options
	ctx  context.Context
	st   styles

	width, height int

	snap     *Snapshot
	snapWall time.Time // wall time when snap was taken
	wall     time.Time // the latest tick
	snapErr  error
	fetching bool
	dirty    bool // an event arrived since the last snapshot was asked for
	asked    time.Time
	took     time.Duration // how long the last snapshot took

	events   []Event // the stream's, oldest first
	eventsCh <-chan Event
	// subscribed: a subscription was made before, so the next one replays history.
	subscribed bool
	svcEvents  []Event // the snapshot's service events, newest first
	merged     []Event // stream plus service events, newest first (rebuilt on change)

	logTask   string
	logs      []string
	logsCh    <-chan string
	logCancel context.CancelFunc
	logsEnded bool

	cur   view
	stack []view
	sel   map[screen]string // the selected row's key per screen
	idx   map[screen]int    // its index, used when the key vanished

	filters     map[screen]string
	filtering   bool
	hideStopped bool // task lists show only tasks not yet STOPPED

	confirm *pending // a destructive action waiting for y/n

	notes []Note // oldest first

	sorts map[screen]sortOrder // the list screens' sort orders

	desc    describeTarget // what the describe screen shows
	descOff int            // its first line on screen

	logFollow bool // the log pane keeps its newest line in view
	logWrap   bool // long log lines wrap instead of being clipped
	logOff    int  // the first line shown when not following
	logMatch  int  // the line of the current search match, -1: none

	status    string
	statusErr bool
	statusAt  time.Time // the wall time it was set: it fades after statusTTL
	help      bool
}

// New returns a dashboard over src and act.
func New(src Source, act Actions, opts Options) Model {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 2 * time.Second
	}
	if opts.Tick == 0 {
		opts.Tick = 500 * time.Millisecond
	}
	m := Model{src: src, act: act, opts: opts, ctx: opts.Context, st: newStyles(opts.Colour),
		width: 80, height: 24, sel: map[screen]string{}, idx: map[screen]int{}, filters: map[screen]string{},
		sorts: map[screen]sortOrder{}, logFollow: true, logMatch: -1}
	m.cur = view{screen: scrServices, cluster: opts.Cluster}
	m.wall = opts.Now()
	m.fetching, m.asked = true, m.wall // Init asks for the first snapshot
	return m
}

// Init asks for the first snapshot and the event stream, and starts the ticks.
func (m Model) Init() tea.Cmd {
	return tea.Batch(fetchSnapshot(m.ctx, m.src, m.opts.Now), subscribeEvents(m.ctx, m.src), m.tick(), waitNotes(m.opts.Notes))
}

func (m Model) tick() tea.Cmd {
	if m.opts.Tick < 0 {
		return nil
	}
	now := m.opts.Now
	return tea.Tick(m.opts.Tick, func(time.Time) tea.Msg { return tickMsg(now()) })
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		return m.keys(msg)
	case tickMsg:
		m.wall = time.Time(msg)
		return m, tea.Batch(m.maybeFetch(), m.tick())
	case snapshotMsg:
		m.fetching = false
		if msg.err != nil && m.snapErr == nil && m.snap != nil {
			m.flash("cannot read ecsmini: "+msg.err.Error(), true)
		}
		m.snapErr = msg.err
		m.took = min(max(msg.wall.Sub(m.asked), 0), 5*time.Second)
		if msg.err == nil {
			m.snap, m.snapWall, m.wall = msg.snap, msg.wall, msg.wall
			m.settleCluster()
			m.serviceEvents()
			m.merge()
		}
		return m, nil
	case eventsMsg:
		return m.onEvents(msg)
	case resubscribeMsg:
		return m, subscribeEvents(m.ctx, m.src)
	case logsMsg:
		return m.onLogs(msg)
	case notesMsg:
		return m.onNotes(msg)
	case actionMsg:
		if msg.err != nil {
			m.flash(msg.err.Error(), true)
		} else {
			m.flash(msg.text, false)
		}
		m.dirty = true
		m.asked = time.Time{}
		return m, m.maybeFetch()
	}
	return m, nil
}

// maybeFetch asks for a snapshot when one is due: soon after events, else every
// Refresh; never two at once.
func (m *Model) maybeFetch() tea.Cmd {
	if m.fetching {
		return nil
	}
	since := m.wall.Sub(m.asked)
	wait := max(settle, 2*m.took)
	if (m.dirty && since >= wait) || since >= max(m.opts.Refresh, wait) || m.asked.IsZero() {
		m.fetching, m.dirty, m.asked = true, false, m.wall
		return fetchSnapshot(m.ctx, m.src, m.opts.Now)
	}
	return nil
}

func (m Model) onEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.flash("event stream: "+msg.err.Error(), true)
		return m, m.resubscribe()
	}
	if msg.ch != nil {
		if m.subscribed {
			m.events = nil // a new subscription replays the retained events
		}
		m.eventsCh, m.subscribed = msg.ch, true
	}
	m.events = append(m.events, msg.events...)
	if n := len(m.events) - maxEvents; n > 0 {
		m.events = append(m.events[:0:0], m.events[n:]...)
	}
	if msg.closed {
		m.eventsCh = nil
		m.flash("the event stream ended (is ecsmini still running?); trying again", true)
		return m, m.resubscribe()
	}
	if len(msg.events) > 0 {
		m.dirty = true
		m.merge()
	}
	return m, tea.Batch(waitEvents(m.eventsCh), m.maybeFetch())
}

// resubscribeAfter is how long the dashboard waits before following the event stream
// again after it broke (ecsmini restarting, say).
const resubscribeAfter = 3 * time.Second

type resubscribeMsg struct{}

func (m Model) resubscribe() tea.Cmd {
	if m.opts.Tick < 0 {
		return nil // tests drive the stream themselves
	}
	return tea.Tick(resubscribeAfter, func(time.Time) tea.Msg { return resubscribeMsg{} })
}

// statusTTL is how long a status line message stays.
const statusTTL = 8 * time.Second

// flash shows text on the status line for a while; isErr marks it as an error.
func (m *Model) flash(text string, isErr bool) {
	m.status, m.statusErr, m.statusAt = text, isErr, m.wall
}

// emuNow is the emulator's clock now: the snapshot's time moved on by the wall time
// since, at the clock's scale.
func (m Model) emuNow() time.Time {
	if m.snap == nil {
		return m.wall
	}
	scale := m.snap.Scale
	if scale <= 0 {
		scale = 1
	}
	return m.snap.Now.Add(time.Duration(float64(m.wall.Sub(m.snapWall)) * scale))
}
