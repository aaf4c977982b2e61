// Command platform is the Pulumi program of Innovate Inc.'s AWS estate. Each stack's config names the layer it
// builds (organization, security, network, workload); see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/program"
)

func main() { pulumi.Run(program.Run) }
