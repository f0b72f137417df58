package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

type psOptions struct {
	endpoint        string
	cluster         string
	clusterExplicit bool // --cluster was given, so a missing cluster is an error
	allClusters     bool
	all             bool
	output          string
}

func newPsCmd() *cobra.Command {
	o := psOptions{}
	cmd := &cobra.Command{
		Use:   "ps",
		Short: "List the tasks of a running ecsmini",
		Long: `List the tasks of a running ecsmini, newest first, with where to reach them: each
published port is shown as a URL on this machine.

STATUS is the task's last status, followed by →DESIRED while it moves towards another.
AGE counts from creation, UPTIME from the start of its containers (until they stopped).
STOP shows, for stopped tasks, ECS's stop code and the containers' exit codes.

Without --all only tasks whose desired status is RUNNING are listed, as ListTasks does.`,
		Example: `  ecsmini ps
  ecsmini ps --all-clusters --all
  ecsmini ps --cluster web -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.clusterExplicit = cmd.Flags().Changed("cluster")
			return runPs(cmd.Context(), o, cmd.OutOrStdout(), time.Now())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&o.cluster, "cluster", "default", "cluster name or ARN")
	f.BoolVar(&o.allClusters, "all-clusters", false, "list the tasks of every cluster")
	f.BoolVarP(&o.all, "all", "a", false, "include stopped tasks (ECS keeps them for an hour)")
	f.StringVarP(&o.output, "output", "o", "", "output format: text or json")
	cmd.MarkFlagsMutuallyExclusive("cluster", "all-clusters")
	return cmd
}

// psRow is one task as ps shows it; --output json prints an array of them.
type psRow struct {
	TaskID        string `json:"taskId"`
	TaskARN       string `json:"taskArn"`
	Cluster       string `json:"cluster"`
	Definition    string `json:"definition"` // family:revision
	LastStatus    string `json:"lastStatus"`
	DesiredStatus string `json:"desiredStatus"`
	Health        string `json:"health"`
	Launch        string `json:"launch"` // capacity provider, else launch type
	// ContainerInstance is the ID of the simulated EC2 instance the task is placed on.
	ContainerInstance string        `json:"containerInstance,omitempty"`
	Containers        []psContainer `json:"containers"`
	Ports             []psPort      `json:"ports"`
	CreatedAt         *time.Time    `json:"createdAt,omitempty"`
	StartedAt         *time.Time    `json:"startedAt,omitempty"`
	StoppedAt         *time.Time    `json:"stoppedAt,omitempty"`
	AgeSeconds        int64         `json:"ageSeconds"`
	UptimeSeconds     int64         `json:"uptimeSeconds"`
	StopCode          string        `json:"stopCode,omitempty"`
	StoppedReason     string        `json:"stoppedReason,omitempty"`
}

type psContainer struct {
	Name       string `json:"name"`
	LastStatus string `json:"lastStatus"`
	Health     string `json:"health,omitempty"`
	ExitCode   *int   `json:"exitCode,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// psPort is a published port: URL is what to open on this machine.
type psPort struct {
	Container     string `json:"container"`
	URL           string `json:"url"`
	HostPort      string `json:"hostPort"` // a port or, for port ranges, a range
	ContainerPort string `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

func runPs(ctx context.Context, o psOptions, w io.Writer, now time.Time) error {
	if o.output != "" && o.output != "text" && o.output != "json" {
		return fmt.Errorf("--output must be text or json, not %q", o.output)
	}
	c := newClient(endpointURL(o.endpoint))
	clusters := []string{o.cluster}
	if o.allClusters {
		var err error
		if clusters, err = c.ListClusters(ctx); err != nil {
			return err
		}
	}
	var rows []psRow
	for _, cluster := range clusters {
		tasks, err := listClusterTasks(ctx, c, cluster, o.all)
		// The default cluster appears with the first RunTask (none yet means no tasks),
		// and a cluster may be deleted while its neighbours are listed.
		if isCode(err, ecs.CodeClusterNotFound) && (!o.clusterExplicit || o.allClusters) {
			continue
		}
		var ecsErr *ecs.Error
		if errors.As(err, &ecsErr) {
			return fmt.Errorf("cluster %s: %w", lastSegment(cluster), err)
		}
		if err != nil {
			return err
		}
		for _, t := range tasks {
			rows = append(rows, toPsRow(t, now))
		}
	}
	slices.SortStableFunc(rows, func(a, b psRow) int {
		if n := cmp.Compare(a.Cluster, b.Cluster); n != 0 {
			return n
		}
		return cmp.Or(compareTime(b.CreatedAt, a.CreatedAt), cmp.Compare(a.TaskID, b.TaskID))
	})
	if o.output == "json" {
		if rows == nil {
			rows = []psRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if err := printPs(w, rows, o); err != nil {
		return err
	}
	svcs, err := clusterServices(ctx, c, clusters)
	if err != nil {
		return err
	}
	return printServices(w, svcs)
}

// listClusterTasks describes the tasks of a cluster whose desired status is RUNNING and,
// with all, those whose desired status is STOPPED.
func listClusterTasks(ctx context.Context, c *ecsminiapi.Client, cluster string, all bool) ([]*ecs.Task, error) {
	arns, err := c.ListTasks(ctx, ecs.ListTasksInput{Cluster: cluster, DesiredStatus: ""})
	if err != nil {
		return nil, err
	}
	if all {
		stopped, err := c.ListTasks(ctx, ecs.ListTasksInput{Cluster: cluster, DesiredStatus: "STOPPED"})
		if err != nil {
			return nil, err
		}
		for _, a := range stopped {
			if !slices.Contains(arns, a) { // a task may change desired status between the calls
				arns = append(arns, a)
			}
		}
	}
	if len(arns) == 0 {
		return nil, nil
	}
	return c.DescribeTasks(ctx, cluster, arns)
}

func toPsRow(t *ecs.Task, now time.Time) psRow {
	r := psRow{
		TaskID: lastSegment(t.TaskArn), TaskARN: t.TaskArn, Cluster: lastSegment(t.ClusterArn),
		Definition: lastSegment(t.TaskDefinitionArn), LastStatus: t.LastStatus.String(),
		DesiredStatus: t.DesiredStatus.String(), Health: t.HealthStatus, Launch: t.CapacityProviderName,
		Containers: []psContainer{}, Ports: []psPort{}, StopCode: t.StopCode, StoppedReason: t.StoppedReason,
		CreatedAt: timeOf(t.CreatedAt), StartedAt: timeOf(t.StartedAt),
		StoppedAt: timeOf(cmp.Or(t.ExecutionStoppedAt, t.StoppedAt)),
	}
	if t.ContainerInstanceArn != "" {
		r.ContainerInstance = instanceID(t.ContainerInstanceArn)
	}
	if r.Launch == "" {
		r.Launch = t.LaunchType
	}
	if r.CreatedAt != nil {
		r.AgeSeconds = int64(now.Sub(*r.CreatedAt) / time.Second)
	}
	if r.StartedAt != nil {
		end := now
		if r.StoppedAt != nil {
			end = *r.StoppedAt
		}
		r.UptimeSeconds = max(0, int64(end.Sub(*r.StartedAt)/time.Second))
	}
	stopped := t.LastStatus >= ecs.StatusStopped
	for _, ctr := range t.Containers {
		r.Containers = append(r.Containers, psContainer{Name: ctr.Name, LastStatus: ctr.LastStatus,
			Health: ctr.HealthStatus, ExitCode: ctr.ExitCode, Reason: ctr.Reason})
		if stopped {
			continue // its ports are closed
		}
		for _, b := range ctr.NetworkBindings {
			// Containers of an awsvpc task share one namespace, and a binding may be
			// reported on more than one of them: list each address once.
			p, ok := toPsPort(ctr.Name, b)
			if ok && !slices.ContainsFunc(r.Ports, p.sameAddress) {
				r.Ports = append(r.Ports, p)
			}
		}
	}
	return r
}

// toPsPort renders a network binding as an address on this machine: a wildcard bind
// address is reached on loopback, and TCP ports are given as http:// URLs (the common
// case; other protocols still answer on the address).
func toPsPort(container string, b ecs.NetworkBinding) (psPort, bool) {
	p := psPort{Container: container, Protocol: cmp.Or(b.Protocol, "tcp"), HostPort: b.HostPortRange, ContainerPort: b.ContainerPortRange}
	if b.HostPort != nil {
		p.HostPort = fmt.Sprint(*b.HostPort)
	}
	if b.ContainerPort != nil {
		p.ContainerPort = fmt.Sprint(*b.ContainerPort)
	}
	if p.HostPort == "" || p.HostPort == "0" {
		return p, false
	}
	host := b.BindIP
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	p.URL = host + ":" + p.HostPort
	if p.Protocol == "tcp" {
		p.URL = "http://" + p.URL
	}
	return p, true
}

func (p psPort) sameAddress(q psPort) bool {
	return p.URL == q.URL && p.ContainerPort == q.ContainerPort && p.Protocol == q.Protocol
}

func printPs(w io.Writer, rows []psRow, o psOptions) error {
	if len(rows) == 0 {
		what, where := "running tasks", "in cluster "+lastSegment(o.cluster)
		if o.all {
			what = "tasks"
		}
		if o.allClusters {
			where = "in any cluster"
		}
		hint := ""
		if !o.all {
			hint = " (--all also lists stopped ones)"
		}
		_, err := fmt.Fprintf(w, "no %s %s%s\n", what, where, hint)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tCLUSTER\tDEFINITION\tSTATUS\tHEALTH\tLAUNCH\tCONTAINERS\tPORTS\tAGE\tUPTIME\tSTOP")
	for _, r := range rows {
		status := r.LastStatus
		if r.DesiredStatus != r.LastStatus {
			status += "→" + r.DesiredStatus
		}
		names := make([]string, len(r.Containers))
		for i, c := range r.Containers {
			names[i] = c.Name
		}
		ports := make([]string, len(r.Ports))
		for i, p := range r.Ports {
			ports[i] = p.URL + " → " + p.ContainerPort + "/" + p.Protocol
		}
		age, uptime := "-", "-"
		if r.CreatedAt != nil {
			age = humanDuration(time.Duration(r.AgeSeconds) * time.Second)
		}
		if r.StartedAt != nil {
			uptime = humanDuration(time.Duration(r.UptimeSeconds) * time.Second)
		}
		launch := r.Launch
		if r.ContainerInstance != "" {
			launch += " on " + shortID(r.ContainerInstance) // which simulated instance runs it
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", shortID(r.TaskID), r.Cluster, r.Definition,
			status, dash(r.Health), dash(launch), dash(strings.Join(names, ",")), dash(strings.Join(ports, ", ")),
			age, uptime, dash(stopSummary(r)))
	}
	return tw.Flush()
}

// stopSummary is the stop code and the exit codes of a stopped task, e.g.
// "EssentialContainerExited (app=3, sidecar=137)".
func stopSummary(r psRow) string {
	if r.LastStatus != ecs.StatusStopped.String() && r.StopCode == "" {
		return ""
	}
	var codes []string
	for _, c := range r.Containers {
		if c.ExitCode != nil {
			codes = append(codes, fmt.Sprintf("%s=%d", c.Name, *c.ExitCode))
		}
	}
	s := r.StopCode
	if len(codes) > 0 {
		s = strings.TrimSpace(s + " (" + strings.Join(codes, ", ") + ")")
	}
	return s
}

// humanDuration is a short, coarse duration: 45s, 3m12s, 5h4m, 2d3h.
func humanDuration(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
}

// shortID is the first 12 characters of a task ID, as docker ps shortens container IDs;
// --output json carries the whole ID and ARN.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// lastSegment is the name in an ARN (cluster/NAME, task/CLUSTER/ID,
// task-definition/FAMILY:REV), or the string itself when it is a name.
func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOf(t *ecs.Timestamp) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// compareTime orders nil (unknown) times last.
func compareTime(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}
