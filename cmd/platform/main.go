// Command platform is the platform's own CLI. `platform plan` is the offline plan: it runs the real program for
// every stack under realistic mocks and prints what `pulumi up` would create, with no AWS account.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/innovate-inc/platform/internal/plan"
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
	root.AddCommand(newPlan())
	return root
}

func newPlan() *cobra.Command {
	var opts plan.Options
	var format string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan stacks offline: run the program under mocks, upstream stacks first, and print what would be created",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: allowed are text, json", format)
			}
			res, err := plan.Run(opts)
			if err != nil {
				return err
			}
			if format == "json" {
				return plan.WriteJSON(cmd.OutOrStdout(), res)
			}
			return plan.WriteText(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().StringVar(&opts.Stack, "stack", "all", "stack to plan (its upstream stacks are planned for their outputs), or all")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}
