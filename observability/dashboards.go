package observability

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/scope"
)

// Graph is one metric graph of a dashboard: a metric of Metrics on the resource its dimensions name, with the
// alarm threshold as a line when an alarm watches it.
type Graph struct {
	Title         string
	Metric        string
	Dimensions    map[string]pulumi.StringInput
	Statistic     string
	PeriodSeconds int
	// Threshold is the alarm's threshold, nil for a graph no alarm watches.
	Threshold *float64
}

// Section is a titled row of graphs.
type Section struct {
	Title  string
	Graphs []Graph
}

// GraphOf is the graph of what an alarm watches, with its threshold.
func GraphOf(a Alarm) Graph {
	t := a.Threshold
	return Graph{Title: a.Description, Metric: a.Metric, Dimensions: a.Dimensions, Statistic: a.Statistic, PeriodSeconds: a.PeriodSeconds, Threshold: &t}
}

// graphsOf are the graphs of the alarms whose metric key starts with one of the prefixes, in alarm order.
func graphsOf(alarms []Alarm, prefixes ...string) []Graph {
	var out []Graph
	for _, a := range alarms {
		for _, p := range prefixes {
			if strings.HasPrefix(a.Metric, p) {
				out = append(out, GraphOf(a))
				break
			}
		}
	}
	return out
}

// WorkloadDashboard is a workload environment's dashboard, from the same targets and alarms as its platform
// alarms: the cluster's nodes (Container Insights), the database and its replica, the copy of its recovery
// points and Karpenter's interruption queue.
func WorkloadDashboard(t WorkloadTargets, alarms []Alarm) []Section {
	cluster := map[string]pulumi.StringInput{dimClusterName: pulumi.String(t.ClusterName)}
	view := func(title, metric, stat string) Graph {
		return Graph{Title: title, Metric: metric, Dimensions: cluster, Statistic: stat, PeriodSeconds: 300}
	}
	return []Section{
		{Title: "Cluster " + t.ClusterName, Graphs: append([]Graph{
			view("Nodes", "eks-node-count", "Average"),
			view("Node CPU (% of capacity)", "eks-node-cpu", "Average"),
			view("Node memory (% of capacity)", "eks-node-memory", "Average"),
		}, graphsOf(alarms, "eks-")...)},
		{Title: "Database", Graphs: graphsOf(alarms, "rds-", "backup-")},
		{Title: "Karpenter", Graphs: graphsOf(alarms, "sqs-")},
	}
}

// NetworkDashboard is the network hub's dashboard, from the same targets and alarms as its platform alarms: the
// egress path (NAT gateways, bytes out and errors; the firewall), the TGW attachments and the VPN.
func NetworkDashboard(t NetworkTargets, alarms []Alarm) []Section {
	var egress []Graph
	for i, id := range t.NATGatewayIDs {
		egress = append(egress, Graph{Title: fmt.Sprintf("NAT gateway %d: bytes out to the internet", i), Metric: "nat-bytes-out",
			Dimensions: map[string]pulumi.StringInput{dimNAT: id}, Statistic: "Sum", PeriodSeconds: 300})
	}
	sections := []Section{
		{Title: "Egress", Graphs: append(egress, graphsOf(alarms, "nat-")...)},
		{Title: "Network Firewall", Graphs: graphsOf(alarms, "firewall-")},
		{Title: "Transit Gateway", Graphs: graphsOf(alarms, "tgw-")},
	}
	if vpn := graphsOf(alarms, "vpn-"); len(vpn) > 0 {
		sections = append(sections, Section{Title: "VPN", Graphs: vpn})
	}
	return sections
}

// DashboardArgs configures a Dashboard.
type DashboardArgs struct {
	// Scope is the stack's account in the home region, where the metrics are.
	scope.Scope
	Sections []Section
}

// Dashboard creates, in a stack's account, one CloudWatch dashboard of the sections: a header per section, then
// its graphs three to a row.
//
// Cost: $3 per dashboard per month beyond the first three of the account.
type Dashboard struct {
	pulumi.ResourceState
}

// NewDashboard registers the dashboard.
func NewDashboard(ctx *pulumi.Context, name string, args DashboardArgs, opts ...pulumi.ResourceOption) (*Dashboard, error) {
	c := &Dashboard{}
	if err := ctx.RegisterComponentResource("platform:observability:Dashboard", name, c, opts...); err != nil {
		return nil, err
	}
	// Dimension values are outputs of other resources: collect them in a fixed order, render once all are known.
	var values []any
	for _, s := range args.Sections {
		for _, g := range s.Graphs {
			m, ok := Metrics[g.Metric]
			if !ok {
				return nil, fmt.Errorf("dashboard %s: graph %q shows %q, which is not in the metric table", name, g.Title, g.Metric)
			}
			for _, d := range slices.Sorted(maps.Keys(g.Dimensions)) {
				if !slices.Contains(m.Dimensions, d) {
					return nil, fmt.Errorf("dashboard %s: graph %q: %s %s has no dimension %q", name, g.Title, m.Namespace, m.Name, d)
				}
				values = append(values, g.Dimensions[d])
			}
		}
	}
	body := pulumi.All(values...).ApplyT(func(vs []any) (string, error) {
		return DashboardBody(args.Region, args.Sections, vs)
	}).(pulumi.StringOutput)
	if _, err := cloudwatch.NewDashboard(ctx, scope.Child(name, "dashboard"), cloudwatch.DashboardArgs{
		DashboardName: name,
		DashboardBody: body,
	}, args.In(c)...); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", name, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"dashboardName": pulumi.String(name)})
}

// DashboardBody renders the sections with the dimension values in the order NewDashboard collects them (per
// graph, its dimensions sorted by name).
func DashboardBody(region string, sections []Section, values []any) (string, error) {
	const width, height, perRow = 8, 6, 3
	var widgets []map[string]any
	y, next := 0, 0
	for _, s := range sections {
		if len(s.Graphs) == 0 {
			continue
		}
		widgets = append(widgets, map[string]any{"type": "text", "x": 0, "y": y, "width": 24, "height": 1,
			"properties": map[string]any{"markdown": "## " + s.Title}})
		y++
		for i, g := range s.Graphs {
			m := Metrics[g.Metric]
			line := []any{m.Namespace, m.Name}
			for _, d := range slices.Sorted(maps.Keys(g.Dimensions)) {
				if next >= len(values) {
					return "", fmt.Errorf("graph %q: fewer dimension values than dimensions", g.Title)
				}
				var v string
				switch x := values[next].(type) {
				case string:
					v = x
				case pulumi.ID: // a resource's ID (a NAT gateway's)
					v = string(x)
				default:
					return "", fmt.Errorf("graph %q: dimension %s is a %T, not a string", g.Title, d, x)
				}
				line = append(line, d, v)
				next++
			}
			props := map[string]any{"title": g.Title, "region": region, "view": "timeSeries", "stat": g.Statistic,
				"period": g.PeriodSeconds, "metrics": []any{line}}
			if g.Threshold != nil {
				props["annotations"] = map[string]any{"horizontal": []any{map[string]any{"label": "alarm", "value": *g.Threshold}}}
			}
			widgets = append(widgets, map[string]any{"type": "metric", "x": (i % perRow) * width, "y": y + (i/perRow)*height,
				"width": width, "height": height, "properties": props})
		}
		y += ((len(s.Graphs) + perRow - 1) / perRow) * height
	}
	if next != len(values) {
		return "", fmt.Errorf("%d dimension values for %d dimensions", len(values), next)
	}
	b, err := json.Marshal(map[string]any{"widgets": widgets})
	return string(b), err
}
