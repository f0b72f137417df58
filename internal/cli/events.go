package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

type eventsOptions struct {
	endpoint string
	follow   bool
	filters  []string
	tail     int
}

func newEventsCmd() *cobra.Command {
	o := eventsOptions{}
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Print the ECS events a running ecsmini sends, as JSON lines",
		Long: `Print the events ECS would send to EventBridge, one JSON envelope a line (version, id,
detail-type, source, account, time, region, resources, detail): ECS Task State Change,
ECS Service Action, ECS Deployment State Change, ECS Container Instance State Change and
AWS Health Event; and ecsmini's own "ecsmini ECS Exec Session" (an ECS Exec session's start
and end, with the exit code). Without -f it prints the recent events the running ecsmini keeps
(the last 10,000); with -f it then keeps printing new ones.

Order a resource's events by detail.version where it has one, as with EventBridge. When
a follower reads too slowly, ecsmini drops events for it and this command says how many
on stderr.

` + events.FilterHelp + `

Examples:
  ecsmini events -f --filter detail-type="ECS Task State Change" --filter detail.lastStatus=STOPPED
  ecsmini events --filter resource=service/default/web --tail 20

'ecsmini up --event-webhook URL' POSTs each event to URL instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvents(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.BoolVarP(&o.follow, "follow", "f", false, "keep printing new events until interrupted")
	f.StringArrayVar(&o.filters, "filter", nil, "only events matching KEY=VALUE (repeatable; see above)")
	f.IntVar(&o.tail, "tail", -1, "only the last N recent events (-1: all kept; 0: none, with -f only new ones)")
	return cmd
}

func runEvents(ctx context.Context, o eventsOptions, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := events.ParseFilter(o.filters); err != nil {
		return err
	}
	base := endpointURL(o.endpoint)
	if _, err := probe(ctx, base, 2*time.Second); err != nil {
		return err
	}
	body, err := newClient(base).Events(ctx, ecsminiapi.EventsQuery{Filters: o.filters, Follow: o.follow, Tail: o.tail})
	if err != nil {
		return err
	}
	defer body.Close()
	return copyEvents(ctx, body, stdout, stderr)
}

// copyEvents writes each event line to stdout, flushing per line so that a pipe sees
// events as they come; dropped-event notices go to stderr as a sentence.
func copyEvents(ctx context.Context, body io.Reader, stdout, stderr io.Writer) error {
	in := bufio.NewReaderSize(body, 64<<10)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			var ev events.Event
			if bytes.Contains(line, dropNotice) && json.Unmarshal(line, &ev) == nil {
				if n, ok := events.Dropped(ev); ok {
					out.Flush()
					fmt.Fprintf(stderr, "ecsmini events: %d events dropped here because this reader fell behind\n", n)
					continue
				}
			}
			out.Write(line)
			if in.Buffered() == 0 { // a burst goes out in one write
				if ferr := out.Flush(); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil // interrupted
			}
			return fmt.Errorf("events: %w", err)
		}
	}
}

// dropNotice marks the lines that may be events.DetailDropped notices.
var dropNotice = []byte(`"detail-type":"` + events.DetailDropped + `"`)

// startEventWebhooks POSTs every event of bus to each URL (events.Webhook), logging
// failures on log. stop ends them: queued events get up to 2 s more to be delivered,
// then stop returns. stop may be called more than once.
func startEventWebhooks(bus *events.Bus, urls []string, log *slog.Logger) (stop func(), err error) {
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("--event-webhook %q: want an http:// or https:// URL", u)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var done []<-chan struct{}
	for _, u := range urls {
		w := &events.Webhook{URL: u, Log: log}
		done = append(done, w.Start(ctx, bus))
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			for _, d := range done {
				<-d
			}
		})
	}, nil
}
