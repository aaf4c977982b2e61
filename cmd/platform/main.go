// Command platform is the platform's own CLI. `platform plan` is the offline plan: it runs the real program for
// every stack under realistic mocks, prints what `pulumi up` would create, with no AWS account, and fails on any
// deploy-readiness finding. `platform rules` lists the deploy-readiness rules. `platform diff BASE.json HEAD.json`
// compares two JSON plans for a pull request comment.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/innovate-inc/platform/internal/azfailure"
	"github.com/innovate-inc/platform/internal/cost"
	"github.com/innovate-inc/platform/internal/critpath"
	"github.com/innovate-inc/platform/internal/diagram"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/readiness"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "platform",
		Short:         "Innovate Inc.'s AWS platform: offline plan and tooling",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newPlan(), newRules(), newCost(), newDiagram(), newDiff())
	return root
}

func newPlan() *cobra.Command {
	var opts offline.Options
	var format string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan stacks offline: run the program under mocks, upstream stacks first, print what would be created and fail on deploy-readiness findings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := plannedAs(opts, format)
			if err != nil {
				return err
			}
			return report(cmd.OutOrStdout(), res, format)
		},
	}
	cmd.Flags().StringVar(&opts.Stack, "stack", "all", "stack to plan (its upstream stacks are planned for their outputs), or all")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}

// report prints an evaluated plan and then, so that the whole plan is always printed, fails when any stack has an
// unwaived deploy-readiness finding or an unwaived policy-pack finding of high or critical severity.
func report(w io.Writer, res *plan.Result, format string) error {
	var err error
	if format == "json" {
		err = plan.WriteJSON(w, res)
	} else {
		err = plan.WriteText(w, res)
	}
	if err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	if n := readiness.Blocking(res); n > 0 {
		return fmt.Errorf("%d blocking findings (deploy-readiness, or policy pack at high or critical severity, unwaived)", n)
	}
	return nil
}

func newRules() *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List the rules `platform plan` checks (deploy readiness and the policy pack): ID, severity, title, documentation, category, controls",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			for _, r := range readiness.Rules() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title, r.Doc, r.Category, strings.Join(r.Controls, ", "))
			}
			return tw.Flush()
		},
	}
}

// planned runs the offline plan and everything read from it: the rules, the cost, the AZ-failure verdicts and the
// critical path. Every subcommand that reads a plan reads this one.
// plannedAs is planned for a subcommand that prints text or JSON: the format is checked before anything runs.
func plannedAs(opts offline.Options, format string) (*plan.Result, error) {
	if format != "text" && format != "json" {
		return nil, fmt.Errorf("--format %q: allowed are text, json", format)
	}
	return planned(opts)
}

func planned(opts offline.Options) (*plan.Result, error) {
	res, err := offline.Run(opts)
	if err != nil {
		return nil, err
	}
	readiness.Evaluate(res)
	if err := estimate(res); err != nil {
		return nil, err
	}
	azfailure.Analyze(res)
	table, err := critpath.Durations()
	if err != nil {
		return nil, err
	}
	critpath.Analyze(res, table)
	return res, nil
}

// estimate fills the plan's cost blocks from the shipped price table.
func estimate(res *plan.Result) error {
	table, err := cost.Prices()
	if err != nil {
		return err
	}
	return cost.Estimate(res, table)
}

func newCost() *cobra.Command {
	var opts offline.Options
	var format string
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Estimate the monthly cost of each stack and environment from the plan and the price table (internal/cost/data/prices.json)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := plannedAs(opts, format)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				type stackCost struct {
					Name string          `json:"name"`
					Cost *plan.StackCost `json:"cost"`
				}
				doc := struct {
					Stacks []stackCost       `json:"stacks"`
					Cost   *plan.CostSummary `json:"cost"`
				}{Cost: res.Cost}
				for _, s := range res.Stacks {
					doc.Stacks = append(doc.Stacks, stackCost{s.Name, s.Cost})
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(doc)
			}
			return plan.WriteCost(w, res)
		},
	}
	cmd.Flags().StringVar(&opts.Stack, "stack", "all", "stack to estimate (its upstream stacks are planned for their outputs), or all")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}

func newDiagram() *cobra.Command {
	var opts offline.Options
	var format string
	cmd := &cobra.Command{
		Use:   "diagram",
		Short: "Draw a stack from its plan as Mermaid or Graphviz DOT: OUs and SCPs, route domains, VPC subnets per AZ with their routes, cluster, node pools and database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "mermaid" && format != "dot" {
				return fmt.Errorf("--format %q: allowed are mermaid, dot", format)
			}
			if opts.Stack == "" || opts.Stack == "all" {
				return fmt.Errorf("--stack: name one stack (a diagram draws one stack)")
			}
			res, err := offline.Run(opts)
			if err != nil {
				return err
			}
			g, err := diagram.Stack(res, opts.Stack)
			if err != nil {
				return err
			}
			out := g.Mermaid()
			if format == "dot" {
				out = g.DOT()
			}
			_, err = io.WriteString(cmd.OutOrStdout(), out)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Stack, "stack", "", "stack to draw (its upstream stacks are planned for the names of what it refers to)")
	cmd.Flags().StringVar(&format, "format", "mermaid", "output format: mermaid or dot")
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}
