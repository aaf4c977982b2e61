// Command platform is the platform's own CLI. `platform plan` is the offline plan: it runs the real program for
// every stack under realistic mocks, prints what `pulumi up` would create, with no AWS account, and fails on any
// deploy-readiness finding. `platform rules` lists the deploy-readiness rules. `platform diff BASE.json HEAD.json`
// compares two JSON plans for a pull request comment.
package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

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
	root.AddCommand(newPlan(), newRules())
	root.AddCommand(newDiff())
	return root
}

func newPlan() *cobra.Command {
	var opts plan.Options
	var format string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan stacks offline: run the program under mocks, upstream stacks first, print what would be created and fail on deploy-readiness findings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: allowed are text, json", format)
			}
			res, err := plan.Run(opts)
			if err != nil {
				return err
			}
			readiness.Evaluate(res)
			return report(cmd.OutOrStdout(), res, format)
		},
	}
	cmd.Flags().StringVar(&opts.Stack, "stack", "all", "stack to plan (its upstream stacks are planned for their outputs), or all")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}

// report prints an evaluated plan and then, so that the whole plan is always printed, fails when any stack has a
// deploy-readiness finding.
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
	if n := readiness.Count(res); n > 0 {
		return fmt.Errorf("%d deploy-readiness findings", n)
	}
	return nil
}

func newRules() *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List the deploy-readiness rules `platform plan` checks: ID, severity, title, documentation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			for _, r := range readiness.Rules() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title, r.Doc)
			}
			return tw.Flush()
		},
	}
}
