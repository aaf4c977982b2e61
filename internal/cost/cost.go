// Package cost estimates the monthly cost of each planned stack from a price table kept as data
// (data/prices.json: per item the price, unit, region, source and the date it was read). It counts what the plan
// registers (NAT gateways, firewall endpoints, interface endpoints per AZ, node groups at their desired size, the
// database by class, storage and Multi-AZ), so the config's cost levers (azCount, natPerAz, endpoints.azCount)
// show in the estimate without being read. Traffic-dependent items use the stated assumptions of the table.
package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

//go:embed data/prices.json
var pricesJSON []byte

// Price is one row of the price table.
type Price struct {
	Item   string  `json:"item"`
	Price  float64 `json:"price"`
	Unit   string  `json:"unit"`
	Region string  `json:"region"`
	Source string  `json:"source"`
	Date   string  `json:"date"`
	Note   string  `json:"note,omitempty"`
}

// Table is the price table and the assumptions traffic-dependent items use.
type Table struct {
	HoursPerMonth float64 `json:"hoursPerMonth"`
	Currency      string  `json:"currency"`
	Prices        []Price `json:"prices"`
	Assumptions   struct {
		// EgressGBPerMonth is the internet egress of each workload environment, through the TGW, the
		// firewall and the NAT gateways.
		EgressGBPerMonth map[string]float64 `json:"egressGBPerMonth"`
	} `json:"assumptions"`
}

// Prices returns the shipped price table.
func Prices() (Table, error) {
	var t Table
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		return t, fmt.Errorf("internal/cost/data/prices.json: %w", err)
	}
	return t, nil
}

func (t Table) price(item string) (Price, error) {
	for _, p := range t.Prices {
		if p.Item == item {
			return p, nil
		}
	}
	return Price{}, fmt.Errorf("the price table has no item %q: add it to internal/cost/data/prices.json with its source and date", item)
}

// Estimate fills the Cost of every reported stack and the plan's CostSummary.
func Estimate(res *plan.Result, t Table) error {
	sum := &plan.CostSummary{Currency: t.Currency, Environments: map[string]float64{}}
	dates := map[string]bool{}
	for _, p := range t.Prices {
		dates[p.Date] = true
	}
	for d := range dates {
		if d > sum.PricesAsOf {
			sum.PricesAsOf = d
		}
	}
	envs := make([]string, 0, len(t.Assumptions.EgressGBPerMonth))
	for env := range t.Assumptions.EgressGBPerMonth {
		envs = append(envs, env)
	}
	sort.Strings(envs)
	for _, env := range envs {
		sum.Assumptions = append(sum.Assumptions, fmt.Sprintf("%s egress %v GB/month through TGW, firewall and NAT", env, t.Assumptions.EgressGBPerMonth[env]))
	}
	sum.Assumptions = append(sum.Assumptions, "GuardDuty, Security Hub and Config per account as stated in the price table",
		"application nodes (Karpenter), load balancer capacity units, WAF requests, log storage and traffic beyond the egress assumption are not counted")
	for i := range res.Stacks {
		sc, err := stackCost(&res.Stacks[i], res, t)
		if err != nil {
			return fmt.Errorf("stack %s: %w", res.Stacks[i].Name, err)
		}
		res.Stacks[i].Cost = sc
		sum.Environments[sc.Environment] = round(sum.Environments[sc.Environment] + sc.Monthly)
		sum.Total = round(sum.Total + sc.Monthly)
	}
	res.Cost = sum
	return nil
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// counter accumulates a stack's lines.
type counter struct {
	t     Table
	lines []plan.CostLine
	err   error
}

// add prices quantity units of an item; hourly items are multiplied by the hours in a month.
func (c *counter) add(item string, quantity float64, basis string) {
	if quantity == 0 || c.err != nil {
		return
	}
	p, err := c.t.price(item)
	if err != nil {
		c.err = err
		return
	}
	monthly := p.Price * quantity
	if strings.HasSuffix(strings.Fields(p.Unit)[0], "-hour") {
		monthly *= c.t.HoursPerMonth
	}
	c.lines = append(c.lines, plan.CostLine{Item: item, Quantity: quantity, Unit: p.Unit, Price: p.Price,
		Monthly: round(monthly), Basis: basis})
}

func ofType(s *plan.StackPlan, typ string) []*plan.Resource {
	var out []*plan.Resource
	for i := range s.Resources {
		if s.Resources[i].Type == typ {
			out = append(out, &s.Resources[i])
		}
	}
	return out
}

func in(r *plan.Resource, key string) any { return r.Inputs[key] }

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func stackCost(s *plan.StackPlan, res *plan.Result, t Table) (*plan.StackCost, error) {
	env := "shared"
	if s.Layer == "workload" {
		env = s.Name
	}
	c := &counter{t: t}
	c.compute(s)
	c.network(s, t)
	c.loadBalancing(s)
	c.data(s)
	c.security(s)
	if c.err != nil {
		return nil, c.err
	}
	sc := &plan.StackCost{Environment: env, Lines: c.lines}
	if sc.Lines == nil {
		sc.Lines = []plan.CostLine{}
	}
	for _, l := range sc.Lines {
		sc.Monthly += l.Monthly
	}
	sc.Monthly = round(sc.Monthly)
	return sc, nil
}

// compute is the EKS control planes and the managed node groups (Karpenter's nodes depend on load: not planned).
func (c *counter) compute(s *plan.StackPlan) {
	c.add("eks-cluster", float64(len(ofType(s, "eks:index:Cluster"))), "EKS control plane")
	for _, ng := range ofType(s, "aws:eks/nodeGroup:NodeGroup") {
		types, _ := in(ng, "instanceTypes").([]any)
		scaling, _ := in(ng, "scalingConfig").(map[string]any)
		size := num(scaling["desiredSize"])
		if len(types) > 0 {
			c.add("ec2:"+types[0].(string), size, fmt.Sprintf("node group %s: %v x %s On-Demand", ng.Name, size, types[0]))
		}
	}
}

// network is NAT, the firewall, the Transit Gateway, interface endpoints and public addresses.
func (c *counter) network(s *plan.StackPlan, t Table) {
	nats := float64(len(ofType(s, "aws:ec2/natGateway:NatGateway")))
	c.add("nat-gateway", nats, fmt.Sprintf("%v NAT gateways", nats))
	endpoints := 0.0
	for _, fw := range ofType(s, "aws:networkfirewall/firewall:Firewall") {
		m, _ := in(fw, "subnetMappings").([]any)
		endpoints += float64(len(m))
	}
	c.add("network-firewall-endpoint", endpoints, fmt.Sprintf("%v firewall endpoints (one per AZ)", endpoints))
	c.add("nat-gateway-with-firewall", math.Min(nats, endpoints), "NAT hours waived against firewall endpoint hours")
	if endpoints > 0 {
		gb := 0.0
		for _, v := range t.Assumptions.EgressGBPerMonth {
			gb += v
		}
		c.add("network-firewall-data", gb, "all environments' egress (NAT data processing is waived against it)")
	}
	c.add("tgw-attachment", float64(len(ofType(s, "aws:ec2transitgateway/vpcAttachment:VpcAttachment"))), "Transit Gateway VPC attachments")
	if gb := t.Assumptions.EgressGBPerMonth[s.Name]; gb > 0 && s.Layer == "workload" {
		c.add("tgw-data", gb, "egress sent into the Transit Gateway")
	}
	azHours := 0.0
	for _, e := range ofType(s, "aws:ec2/vpcEndpoint:VpcEndpoint") {
		if in(e, "vpcEndpointType") == "Interface" {
			subnets, _ := in(e, "subnetIds").([]any)
			azHours += float64(len(subnets))
		}
	}
	c.add("interface-endpoint", azHours, "interface endpoints x AZs")
}

// loadBalancing is the load balancers (the program's and the controller's) and web ACLs.
func (c *counter) loadBalancing(s *plan.StackPlan) {
	c.add("load-balancer", float64(len(ofType(s, "aws:lb/loadBalancer:LoadBalancer"))), "load balancers")
	// The load balancer controller's: one ALB per IngressClassParams group, one NLB per LoadBalancer Service.
	albs, nlbs := float64(len(ofType(s, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams"))), 0.0
	for _, svc := range ofType(s, "kubernetes:core/v1:Service") {
		if spec, _ := in(svc, "spec").(map[string]any); spec["type"] == "LoadBalancer" {
			nlbs++
		}
	}
	c.add("load-balancer", albs, fmt.Sprintf("%v ALB (the public ingress group, created by the controller)", albs))
	c.add("load-balancer", nlbs, fmt.Sprintf("%v NLB (LoadBalancer Services, created by the controller)", nlbs))
	for _, acl := range ofType(s, "aws:wafv2/webAcl:WebAcl") {
		rules, _ := in(acl, "rules").([]any)
		c.add("waf-web-acl", 1, "web ACL "+acl.Name)
		c.add("waf-rule", float64(len(rules)), fmt.Sprintf("%d rules of %s (plus $0.60 per million requests)", len(rules), acl.Name))
	}
}

// data is the databases, secrets, keys and zones.
func (c *counter) data(s *plan.StackPlan) {
	secrets := float64(len(ofType(s, "aws:secretsmanager/secret:Secret")))
	for _, db := range ofType(s, "aws:rds/instance:Instance") {
		class, _ := in(db, "instanceClass").(string)
		multi := 1.0
		if b, _ := in(db, "multiAz").(bool); b {
			multi = 2
		}
		az := map[float64]string{1: "single-AZ", 2: "Multi-AZ"}[multi]
		c.add("rds:"+class, multi, fmt.Sprintf("%s %s %s", db.Name, class, az))
		gb := num(in(db, "allocatedStorage"))
		c.add("rds-gp3-storage", gb*multi, fmt.Sprintf("%v GiB gp3 %s", gb, az))
		if b, _ := in(db, "manageMasterUserPassword").(bool); b {
			secrets++
		}
	}
	c.add("secret", secrets, "Secrets Manager secrets (the RDS-managed master secret included)")
	c.add("kms-key", float64(len(ofType(s, "aws:kms/key:Key"))), "customer-managed KMS keys")
	c.add("public-ipv4", float64(len(ofType(s, "aws:ec2/eip:Eip"))), "Elastic IPs")
	c.add("hosted-zone", float64(len(ofType(s, "aws:route53/zone:Zone"))), "Route 53 hosted zones")
}

// security is the per-account security services.
func (c *counter) security(s *plan.StackPlan) {
	accounts := float64(len(ofType(s, "aws:cfg/recorder:Recorder")))
	c.add("guardduty", accounts, "account-regions with GuardDuty (one per Config recorder)")
	c.add("security-hub", accounts, "account-regions with Security Hub")
	c.add("config", accounts, "account-regions recording AWS Config")
}
