package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/plandiff"
)

// newDiff is `platform diff BASE.json HEAD.json`: what would change between two offline plans, per stack.
func newDiff() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff BASE.json HEAD.json",
		Short: "Compare two `plan --format json` documents: resources added, removed, replaced and changed (with the changed input keys, never values) per stack",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "markdown" {
				return fmt.Errorf("--format %q: allowed are text, markdown", format)
			}
			base, err := readPlan(args[0])
			if err != nil {
				return err
			}
			head, err := readPlan(args[1])
			if err != nil {
				return err
			}
			diffs := plandiff.Compare(base, head)
			if format == "markdown" {
				return plandiff.WriteMarkdown(cmd.OutOrStdout(), diffs)
			}
			return plandiff.WriteText(cmd.OutOrStdout(), diffs)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or markdown (a pull request comment)")
	return cmd
}

func readPlan(path string) (*plan.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	defer f.Close()
	return plandiff.Read(f, path)
}
