// Package karpenter runs Karpenter v1 in a workload cluster: its IAM (controller and node roles, exactly the v1
// permissions of the reference CloudFormation, scoped to the cluster), the interruption queue and its EventBridge
// rules, the Helm charts (CRDs managed explicitly) and the EC2NodeClass and NodePools that realise the seed's
// Graviton/amd64, Spot-first design in the v1 API.
package karpenter

import (
	"slices"
	"strconv"
	"strings"

	"github.com/innovate-inc/platform/internal/config"
)

// API groups and versions of the Karpenter v1 objects.
const (
	NodePoolAPIVersion  = "karpenter.sh/v1"
	NodeClassAPIVersion = "karpenter.k8s.aws/v1"
	NodeClassName       = "default"
)

// Well-known labels the pools constrain.
const (
	LabelArch           = "kubernetes.io/arch"
	LabelOS             = "kubernetes.io/os"
	LabelCapacityType   = "karpenter.sh/capacity-type"
	LabelInstanceFamily = "karpenter.k8s.aws/instance-family"
	LabelInstanceSize   = "karpenter.k8s.aws/instance-size"
)

// Pool is one NodePool of the design.
type Pool struct {
	Name string
	// Weight orders pools: Karpenter tries the highest weight whose requirements a pod tolerates first.
	Weight        int
	Arch          string
	CapacityTypes []string
	Families      []string
	CPULimit      int
}

// Pools realises the seed's intent in v1: Graviton first (Spot with On-Demand fallback inside the pool: with both
// capacity types allowed, Karpenter launches Spot and falls back to On-Demand when Spot has no capacity), then an
// amd64 Spot pool, then an amd64 On-Demand pool as the stable fallback for pods that need amd64.
func Pools(k config.Karpenter) []Pool {
	return []Pool{
		{Name: "graviton", Weight: 100, Arch: "arm64", CapacityTypes: []string{"spot", "on-demand"}, Families: k.Graviton.Families, CPULimit: k.Graviton.CPULimit},
		{Name: "amd64-spot", Weight: 50, Arch: "amd64", CapacityTypes: []string{"spot"}, Families: k.AMD64.Families, CPULimit: k.AMD64.CPULimit},
		{Name: "amd64-on-demand", Weight: 10, Arch: "amd64", CapacityTypes: []string{"on-demand"}, Families: k.AMD64.Families, CPULimit: k.AMD64.CPULimit},
	}
}

// ObjectArgs is what the Karpenter objects need.
type ObjectArgs struct {
	ClusterName  string
	NodeRoleName string
	VolumeKeyARN string
	Config       config.Karpenter
	// Tags are the mandatory tags: EC2NodeClass tags reach instances, volumes and network interfaces, which
	// provider default tags never see.
	Tags map[string]string
}

func requirement(key, op string, values ...string) map[string]any {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return map[string]any{"key": key, "operator": op, "values": vs}
}

// EC2NodeClass is the node class every pool uses: AL2023 (pinned alias in prod), subnets and security groups by
// the cluster's discovery tag, the node role, IMDSv2 with a hop limit of 1 (pods cannot reach instance
// credentials), an encrypted gp3 root volume with the platform key, and the mandatory tags.
func EC2NodeClass(a ObjectArgs) map[string]any {
	discovery := []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": a.ClusterName}}}
	tags := map[string]any{}
	for k, v := range a.Tags {
		tags[k] = v
	}
	return map[string]any{
		"apiVersion": NodeClassAPIVersion,
		"kind":       "EC2NodeClass",
		"metadata":   map[string]any{"name": NodeClassName},
		"spec": map[string]any{
			"role":                       a.NodeRoleName,
			"amiSelectorTerms":           []any{map[string]any{"alias": a.Config.AMIAlias}},
			"subnetSelectorTerms":        discovery,
			"securityGroupSelectorTerms": discovery,
			"metadataOptions": map[string]any{
				"httpEndpoint": "enabled", "httpProtocolIPv6": "disabled", "httpPutResponseHopLimit": int64(1), "httpTokens": "required",
			},
			"blockDeviceMappings": []any{map[string]any{
				"deviceName": "/dev/xvda",
				"ebs": map[string]any{"volumeSize": "50Gi", "volumeType": "gp3", "encrypted": true,
					"kmsKeyID": a.VolumeKeyARN, "deleteOnTermination": true},
			}},
			"tags": tags,
		},
	}
}

// NodePool is the NodePool object of a pool: instance choice as requirements, lowercase capacity types, the CPU
// limit, consolidation when empty or underutilized after consolidateAfter, a node lifetime (expireAfter) and
// disruption budgets (at most 10% of nodes at a time; none during business hours when configured).
func NodePool(a ObjectArgs, p Pool) map[string]any {
	k := a.Config
	budgets := []any{map[string]any{"nodes": "10%"}}
	if b := k.BusinessHours; b != nil {
		budgets = append(budgets, map[string]any{
			"nodes": "0", "schedule": b.Schedule, "duration": b.Duration,
			"reasons": []any{"Underutilized", "Empty", "Drifted"},
		})
	}
	return map[string]any{
		"apiVersion": NodePoolAPIVersion,
		"kind":       "NodePool",
		"metadata":   map[string]any{"name": p.Name},
		"spec": map[string]any{
			"weight": int64(p.Weight),
			"limits": map[string]any{"cpu": strconv.Itoa(p.CPULimit)},
			"disruption": map[string]any{
				"consolidationPolicy": "WhenEmptyOrUnderutilized",
				"consolidateAfter":    k.ConsolidateAfter,
				"budgets":             budgets,
			},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"platform.innovate.io/pool": p.Name}},
				"spec": map[string]any{
					"nodeClassRef": map[string]any{"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NodeClassName},
					"expireAfter":  k.ExpireAfter,
					"requirements": []any{
						requirement(LabelArch, "In", p.Arch),
						requirement(LabelOS, "In", "linux"),
						requirement(LabelCapacityType, "In", p.CapacityTypes...),
						requirement(LabelInstanceFamily, "In", p.Families...),
						// Tiny sizes cannot hold the daemonsets; metal takes long to boot.
						requirement(LabelInstanceSize, "NotIn", "nano", "micro", "small", "metal"),
					},
				},
			},
		},
	}
}

// Objects are every Karpenter object of a cluster: the EC2NodeClass first, then the NodePools.
func Objects(a ObjectArgs) []map[string]any {
	out := []map[string]any{EC2NodeClass(a)}
	for _, p := range Pools(a.Config) {
		out = append(out, NodePool(a, p))
	}
	return out
}

// RuntimeProblems are what the CRD schema accepts but Karpenter rejects or silently never satisfies at run time:
// unknown capacity types (uppercase SPOT), architectures and operating systems, and a node class reference that is
// not this platform's EC2NodeClass.
func RuntimeProblems(obj map[string]any) []string {
	var out []string
	if obj["kind"] != "NodePool" {
		return nil
	}
	spec, _ := obj["spec"].(map[string]any)
	tmpl, _ := spec["template"].(map[string]any)
	ts, _ := tmpl["spec"].(map[string]any)
	allowed := map[string][]string{
		LabelCapacityType: {"spot", "on-demand", "reserved"},
		LabelArch:         {"amd64", "arm64"},
		LabelOS:           {"linux", "windows"},
	}
	reqs, _ := ts["requirements"].([]any)
	for i, r := range reqs {
		req, _ := r.(map[string]any)
		key, _ := req["key"].(string)
		if key == "karpenter.k8s.aws/capacity-type" {
			out = append(out, "spec.template.spec.requirements["+strconv.Itoa(i)+"]: the capacity-type key is karpenter.sh/capacity-type")
		}
		values, ok := allowed[key]
		if !ok {
			continue
		}
		vals, _ := req["values"].([]any)
		for _, v := range vals {
			if s, _ := v.(string); !slices.Contains(values, s) {
				out = append(out, "spec.template.spec.requirements["+strconv.Itoa(i)+"]: "+key+" value \""+s+"\" never matches: allowed are "+strings.Join(values, ", "))
			}
		}
	}
	ref, _ := ts["nodeClassRef"].(map[string]any)
	if ref["group"] != "karpenter.k8s.aws" || ref["kind"] != "EC2NodeClass" {
		out = append(out, "spec.template.spec.nodeClassRef: must reference a karpenter.k8s.aws EC2NodeClass")
	}
	return out
}
