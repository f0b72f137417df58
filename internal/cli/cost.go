package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
	pricing "github.com/ecsmini/ecsmini/fargate"
)

type costOptions struct {
	endpoint      string
	cluster       string
	allClusters   bool
	output        string
	builtinPrices bool
}

func newCostCmd() *cobra.Command {
	o := costOptions{}
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Estimate what the tasks of a running ecsmini would cost on AWS Fargate",
		Long: `Estimate what the tasks of a running ecsmini would cost on AWS Fargate, per task,
per service and per cluster: vCPU-hours and GB-hours (plus ephemeral storage above 20 GiB)
billed per second with a one-minute minimum, from the image pull until the task stops, at
on-demand or Fargate Spot prices, and what Spot saves against on-demand.

Stopped tasks count while ecsmini still lists them (an hour by default). EC2 tasks cost
nothing on Fargate's meter and are shown with a note. Times follow ecsmini's clock, so
'ecsmini clock advance 30d' shows a month's bill.

Prices are built in for a few regions (us-east-1's published prices; Spot assumed 70% off
on-demand) and can be replaced with 'ecsmini up --prices-file FILE'; --builtin-prices
prints the built-in table in that file's format.`,
		Example: `  ecsmini cost
  ecsmini cost --all-clusters -o json
  ecsmini cost --builtin-prices > prices.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCost(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&o.cluster, "cluster", "default", "cluster name or ARN")
	f.BoolVar(&o.allClusters, "all-clusters", false, "report every cluster")
	f.StringVarP(&o.output, "output", "o", "", "output format: text or json")
	f.BoolVar(&o.builtinPrices, "builtin-prices", false, "print the built-in price table as JSON (a --prices-file to edit) and exit")
	cmd.MarkFlagsMutuallyExclusive("cluster", "all-clusters")
	return cmd
}

func runCost(ctx context.Context, o costOptions, w io.Writer) error {
	if o.output != "" && o.output != "text" && o.output != "json" {
		return fmt.Errorf("--output must be text or json, not %q", o.output)
	}
	if o.builtinPrices {
		return writeJSON(w, pricing.BuiltinPrices())
	}
	cluster := o.cluster
	if o.allClusters {
		cluster = ""
	}
	rep, err := newClient(endpointURL(o.endpoint)).Cost(ctx, cluster)
	if err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSON(w, rep)
	}
	return printCost(w, rep, cluster)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printCost prints a table per service and per cluster's standalone tasks, then the
// totals.
func printCost(w io.Writer, rep *emulator.CostReport, cluster string) error {
	if len(rep.Clusters) == 0 {
		where := "in cluster " + lastSegment(cluster)
		if cluster == "" {
			where = "in any cluster"
		}
		_, err := fmt.Fprintf(w, "no tasks %s: nothing to cost\n", where)
		return err
	}
	fmt.Fprintf(w, "Estimated AWS Fargate cost in %s at %s: per-second billing, one-minute minimum, Fargate tasks only.\n",
		rep.Currency, rep.At.UTC().Format(time.RFC3339))
	if rep.PriceSource != "" {
		fmt.Fprintf(w, "Prices: %s.\n", rep.PriceSource)
	}
	for _, c := range rep.Clusters {
		for _, s := range c.Services {
			fmt.Fprintf(w, "\nservice %s (cluster %s)\n", s.Service, c.Cluster)
			if err := printCostTasks(w, s.Group); err != nil {
				return err
			}
		}
		if len(c.Standalone.Tasks) > 0 {
			fmt.Fprintf(w, "\nstandalone tasks (cluster %s)\n", c.Cluster)
			if err := printCostTasks(w, c.Standalone); err != nil {
				return err
			}
		}
		if len(rep.Clusters) > 1 {
			fmt.Fprintf(w, "\ncluster %s: %s\n", c.Cluster, totalLine(c.Total))
		}
	}
	_, err := fmt.Fprintf(w, "\nTOTAL: %s\n", totalLine(rep.Total))
	return err
}

func printCostTasks(w io.Writer, g emulator.GroupCost) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tDEFINITION\tLAUNCH\tARCH\tvCPU\tGB\tSTATUS\tRUN TIME\tCOST SO FAR\t$/HOUR NOW\tSPOT SAVED")
	spot := false
	for _, t := range g.Tasks {
		run, vcpu, gb, rate := "-", "-", "-", "-"
		if !t.Start.IsZero() && t.Billed {
			run = humanDuration(t.End.Sub(t.Start).Round(time.Second))
		}
		if t.Billed {
			vcpu, gb = trimFloat(t.VCPU), trimFloat(t.MemoryGB)
			if t.StorageGB > 0 {
				gb += fmt.Sprintf("+%dGiB", t.StorageGB)
			}
		}
		if t.Running && t.Billed {
			rate = money(t.PerHour)
		}
		saved := "-"
		if t.Spot {
			saved = money(t.SpotSavings)
		}
		spot = spot || t.Spot
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", shortID(t.TaskID), t.Definition, t.Launch, t.Arch,
			vcpu, gb, t.LastStatus, run, money(t.Cost), rate, saved)
	}
	tot := g.Total
	saved := "-"
	if spot {
		saved = money(tot.SpotSavings)
	}
	fmt.Fprintf(tw, "total\t%s\t\t\t\t\t%d running\t\t%s\t%s\t%s\n", plural(tot.Tasks, "task"), tot.Running,
		money(tot.Cost), money(tot.PerHour), saved)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range g.Tasks {
		if t.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", shortID(t.TaskID), t.Note)
		}
	}
	return nil
}

// totalLine sums up a CostTotal in a sentence.
func totalLine(t emulator.CostTotal) string {
	s := fmt.Sprintf("%s, %d running: %s so far, %s/hour now", plural(t.Tasks, "task"), t.Running, money(t.Cost), money(t.PerHour))
	if t.SpotSavings > 0 || t.SpotSavingsPer > 0 {
		s += fmt.Sprintf("; Fargate Spot saved %s so far and saves %s/hour now", money(t.SpotSavings), money(t.SpotSavingsPer))
	}
	return s
}

// money formats USD: four decimals below $100 (a minute of a small task is $0.0002),
// cents above.
func money(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.0001:
		return "<$0.0001"
	case v < 100:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// trimFloat prints 0.25, 0.5, 2 without trailing zeros.
func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}
