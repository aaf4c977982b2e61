package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Workload configures a workload stack: the stack name is the environment, one of platform:estate.environments.
type Workload struct {
	VPC       WorkloadVPC `json:"vpc"`
	EKS       EKS         `json:"eks"`
	Karpenter Karpenter   `json:"karpenter"`
	Database  Database    `json:"database"`
	// DatabasePort is the only port the database subnets admit, from the private subnets.
	DatabasePort int `json:"databasePort,omitempty"`
	// Applications are the in-cluster application scaffolding: namespaces, Deployments, autoscaling, policies.
	Applications Applications `json:"applications"`
	// Ingress names and fronts the applications (load balancers, certificate, records); Mesh is the optional
	// service mesh.
	Ingress Ingress `json:"ingress,omitempty"`
	Mesh    Mesh    `json:"mesh,omitempty"`
	// Alarms and Observability are the stack's platform alarms and its cluster's metrics and logs (operations).
	Alarms        WorkloadAlarms `json:"alarms,omitempty"`
	Observability Observability  `json:"observability,omitempty"`
}

// WorkloadVPC sizes the environment's VPC.
type WorkloadVPC struct {
	// CIDR is a /16-/20 inside the environment's route domain (network stack).
	CIDR    string `json:"cidr"`
	AZCount int    `json:"azCount,omitempty"`
}

// EKS configures the environment's cluster.
type EKS struct {
	// Version is the Kubernetes minor version, in standard support.
	Version string `json:"version"`
	// PublicAccessCIDRs, when set, open the API endpoint to these CIDRs (never 0.0.0.0/0); empty keeps it private.
	PublicAccessCIDRs []string  `json:"publicAccessCidrs,omitempty"`
	SystemNodeGroup   NodeGroup `json:"systemNodeGroup"`
	// Addons are the managed add-ons with pinned versions.
	Addons map[string]string `json:"addons"`
	// Access maps Identity Center permission sets to EKS access policies.
	Access []ClusterAccess `json:"access"`
	// DeployRunnerCIDRs reach the private API endpoint on 443: where `pulumi up` of the workload stack runs.
	// Empty means the network stack's shared-services VPC, where the deploy runner lives.
	DeployRunnerCIDRs []string `json:"deployRunnerCidrs,omitempty"`
}

// NodeGroup is the managed node group for system workloads and Karpenter.
type NodeGroup struct {
	InstanceTypes []string `json:"instanceTypes"`
	MinSize       int      `json:"minSize"`
	MaxSize       int      `json:"maxSize"`
	DesiredSize   int      `json:"desiredSize"`
	DiskSizeGiB   int      `json:"diskSizeGiB,omitempty"`
}

// ClusterAccess grants the role of an Identity Center permission set an EKS access policy.
type ClusterAccess struct {
	PermissionSet string `json:"permissionSet"`
	// Policy is an EKS access policy: cluster-admin, admin, edit or view.
	Policy string `json:"policy"`
	// Namespaces limits the policy to namespaces; empty is cluster-wide.
	Namespaces []string `json:"namespaces,omitempty"`
}

// Karpenter configures Karpenter v1 in a workload cluster.
type Karpenter struct {
	// Version is the Karpenter chart version.
	Version string `json:"version"`
	// AMIAlias selects the AL2023 AMI: "al2023@v20251120" pins a release (required in production);
	// "al2023@latest" follows.
	AMIAlias string `json:"amiAlias"`
	// Graviton and AMD64 are the node pools by architecture; AMD64 is split into a Spot and an On-Demand pool.
	Graviton NodePool `json:"graviton"`
	AMD64    NodePool `json:"amd64"`
	// ConsolidateAfter is how long a node must be empty or underutilized before Karpenter consolidates it.
	ConsolidateAfter string `json:"consolidateAfter,omitempty"`
	// ExpireAfter is the maximum lifetime of a node (the v1 form of the seed's TTL).
	ExpireAfter string `json:"expireAfter,omitempty"`
	// BusinessHours, when set, blocks voluntary disruption during them (cron schedule in UTC and a duration).
	BusinessHours *BusinessHours `json:"businessHours,omitempty"`
}

// NodePool configures one architecture's pools.
type NodePool struct {
	// Families are EC2 instance families (c7g, m7g, r7g).
	Families []string `json:"families"`
	// CPULimit caps the total vCPUs the pool may launch.
	CPULimit int `json:"cpuLimit"`
}

// BusinessHours is a recurring window without voluntary disruption.
type BusinessHours struct {
	Schedule string `json:"schedule"`
	Duration string `json:"duration"`
}

// KubernetesVersions are the EKS versions in standard support (checked 2026-11-29): 1.34 leaves standard support
// on 2026-12-02 and older versions cost extra per cluster hour.
var KubernetesVersions = []string{"1.35", "1.36"}

// RequiredAddons are the managed add-ons every cluster runs, with pinned versions in config.
var RequiredAddons = []string{"vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server"}

// AccessPolicies are the EKS access policies by short name.
var AccessPolicies = map[string]string{
	"cluster-admin": "AmazonEKSClusterAdminPolicy",
	"admin":         "AmazonEKSAdminPolicy",
	"edit":          "AmazonEKSEditPolicy",
	"view":          "AmazonEKSViewPolicy",
}

// Defaults of the workload layer.
const (
	DefaultDatabasePort   = 5432
	DefaultNodeDiskSizeGB = 50
)

var (
	addonVersionPattern = regexp.MustCompile(`^v\d+\.\d+\.\d+-eksbuild\.\d+$`)
	// Graviton instance types: the family ends in g (optionally gd, gn, ge): m7g.large, c8g.xlarge, r7gd.2xlarge.
	gravitonPattern  = regexp.MustCompile(`^[a-z]+\d+g[a-z]*\.[a-z0-9]+$`)
	namespacePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

func (w Workload) validate(p *problems, path keyPath, env Environment, e Estate) {
	if _, ok := parseCIDR(p, path.Field("vpc").Field("cidr"), w.VPC.CIDR, 16, 20); ok && w.VPC.AZCount != 0 {
		if w.VPC.AZCount < 2 || w.VPC.AZCount > 3 || w.VPC.AZCount > RegionAZCount(e.HomeRegion) {
			p.bad(path.Field("vpc").Field("azCount"), w.VPC.AZCount, "must be 2 or 3 (and at most the AZs of %s)", e.HomeRegion)
		}
	}
	w.EKS.validate(p, path.Field("eks"))
	w.Karpenter.validate(p, path.Field("karpenter"), env)
	if amiAliasPattern.MatchString(w.Karpenter.AMIAlias) && slices.Contains(KubernetesVersions, w.EKS.Version) {
		checkAMIAlias(p, path.Field("karpenter").Field("amiAlias"), w.Karpenter.AMIAlias, w.EKS.Version)
	}
	w.Database.validate(p, path.Field("database"), env)
	w.Applications.validate(p, path.Field("applications"))
	w.Ingress.validate(p, path.Field("ingress"))
	w.Alarms.validate(p, path.Field("alarms"))
	w.Observability.validate(p, path.Field("observability"))
	if w.DatabasePort != 0 && (w.DatabasePort < 1024 || w.DatabasePort > 65535) {
		p.bad(path.Field("databasePort"), w.DatabasePort, "must be between 1024 and 65535")
	}
}

func (k EKS) validate(p *problems, path keyPath) {
	if !slices.Contains(KubernetesVersions, k.Version) {
		p.bad(path.Field("version"), k.Version, "is not an EKS version in standard support: allowed are %s", strings.Join(KubernetesVersions, ", "))
	}
	for i, c := range k.PublicAccessCIDRs {
		key := path.Field("publicAccessCidrs").Index(i)
		pfx, err := parseAny(c)
		switch {
		case err != nil:
			p.bad(key, c, "%v", err)
		case pfx.Bits() < 16:
			p.bad(key, c, "opens the API endpoint to too much of the internet: at most a /16")
		}
	}
	for i, c := range k.DeployRunnerCIDRs {
		key := path.Field("deployRunnerCidrs").Index(i)
		pfx, err := parseAny(c)
		switch {
		case err != nil:
			p.bad(key, c, "%v", err)
		case !pfx.Addr().IsPrivate():
			p.bad(key, c, "is not a private range: the deploy runner reaches the private endpoint from inside the estate")
		}
	}
	k.SystemNodeGroup.validate(p, path.Field("systemNodeGroup"))
	k.validateAddons(p, path.Field("addons"))
	k.validateAccess(p, path.Field("access"))
}

func (ng NodeGroup) validate(p *problems, path keyPath) {
	if len(ng.InstanceTypes) == 0 {
		p.missing(path.Field("instanceTypes"), "Graviton instance types such as m7g.large")
	}
	for i, t := range ng.InstanceTypes {
		if !gravitonPattern.MatchString(t) {
			p.bad(path.Field("instanceTypes").Index(i), t, "is not a Graviton (arm64) instance type: the system nodes run AL2023_ARM_64_STANDARD")
		}
	}
	if ng.MinSize < 2 {
		p.bad(path.Field("minSize"), ng.MinSize, "must be at least 2: system pods and Karpenter need two nodes to survive one")
	}
	if ng.MaxSize < ng.MinSize {
		p.bad(path.Field("maxSize"), ng.MaxSize, "is below minSize %d", ng.MinSize)
	}
	if ng.DesiredSize < ng.MinSize || ng.DesiredSize > ng.MaxSize {
		p.bad(path.Field("desiredSize"), ng.DesiredSize, "must be between minSize %d and maxSize %d", ng.MinSize, ng.MaxSize)
	}
	if ng.DiskSizeGiB != 0 && (ng.DiskSizeGiB < 20 || ng.DiskSizeGiB > 1000) {
		p.bad(path.Field("diskSizeGiB"), ng.DiskSizeGiB, "must be between 20 and 1000")
	}
}

// validateAddons checks that every required add-on, and only those, is pinned; kube-proxy follows the cluster.
func (k EKS) validateAddons(p *problems, path keyPath) {
	for _, a := range RequiredAddons {
		if _, ok := k.Addons[a]; !ok {
			p.missing(path, fmt.Sprintf("a pinned version of the %q add-on", a))
		}
	}
	for _, a := range slices.Sorted(maps.Keys(k.Addons)) {
		v := k.Addons[a]
		switch {
		case !slices.Contains(RequiredAddons, a):
			p.bad(path.Key(a), a, "is not an add-on the platform manages: allowed are %s", strings.Join(RequiredAddons, ", "))
		case !addonVersionPattern.MatchString(v):
			p.bad(path.Key(a), v, "is not an add-on version such as v1.20.4-eksbuild.1")
		case a == "kube-proxy" && !strings.HasPrefix(v, "v"+k.Version+"."):
			p.bad(path.Key(a), v, "must match the cluster version %s: kube-proxy follows the control plane", k.Version)
		}
	}
}

// validateAccess checks the access entries: one per permission set, each with an EKS access policy.
func (k EKS) validateAccess(p *problems, path keyPath) {
	if len(k.Access) == 0 {
		p.missing(path, "who may use the cluster: Identity Center permission sets and EKS access policies")
	}
	seen := map[string]int{}
	for i, a := range k.Access {
		key := path.Index(i)
		if !permissionSetPattern.MatchString(a.PermissionSet) {
			p.bad(key.Field("permissionSet"), a.PermissionSet, "is not a permission set name")
		}
		if j, dup := seen[a.PermissionSet]; dup {
			p.bad(key.Field("permissionSet"), a.PermissionSet, "is already mapped by %s: one access entry per role", path.Index(j))
		}
		seen[a.PermissionSet] = i
		if _, ok := AccessPolicies[a.Policy]; !ok {
			p.bad(key.Field("policy"), a.Policy, "is not an EKS access policy: allowed are cluster-admin, admin, edit, view")
		}
		if a.Policy == "cluster-admin" && len(a.Namespaces) > 0 {
			p.bad(key.Field("namespaces"), a.Namespaces, "cannot scope cluster-admin: it is cluster-wide")
		}
		for j, ns := range a.Namespaces {
			if !namespacePattern.MatchString(ns) {
				p.bad(key.Field("namespaces").Index(j), ns, "is not a Kubernetes namespace name")
			}
		}
	}
}

func (w *Workload) fillDefaults(env Environment) {
	if w.VPC.AZCount == 0 {
		// A Multi-AZ environment spans three AZs; another saves a TGW subnet, a spoke AZ and cross-AZ traffic
		// with two.
		w.VPC.AZCount = 3
		if !env.RequiresMultiAZ() {
			w.VPC.AZCount = 2
		}
	}
	setInt(&w.DatabasePort, DefaultDatabasePort)
	setInt(&w.EKS.SystemNodeGroup.DiskSizeGiB, DefaultNodeDiskSizeGB)
	setInt(&w.Database.BackupRetentionDays, DefaultBackupRetention(env.Tier))
	setString(&w.Database.BackupWindow, DefaultBackupWindow)
	setString(&w.Database.MaintenanceWindow, DefaultMaintenanceWindow)
	setInt(&w.Database.SecretRotationDays, DefaultSecretRotationDays)
	setString(&w.Karpenter.ConsolidateAfter, DefaultConsolidateAfter)
	setString(&w.Karpenter.ExpireAfter, DefaultExpireAfter)
	w.Ingress.fillDefaults()
}

func (w Workload) validateComplete(p *problems, path keyPath) {
	w.Alarms.validateComplete(p, path.Field("alarms"))
	if w.VPC.AZCount < 2 || w.VPC.AZCount > 3 {
		p.bad(path.Field("vpc").Field("azCount"), w.VPC.AZCount, "must be 2 or 3")
	}
}

// KarpenterVersion is the Karpenter release the platform is validated against (reference CRDs in tests).
const KarpenterVersion = "1.15.2"

// Defaults of the Karpenter settings.
const (
	DefaultConsolidateAfter = "1m"
	DefaultExpireAfter      = "720h"
)

var (
	amiAliasPattern = regexp.MustCompile(`^al2023@(latest|v\d{8})$`)
	familyPattern   = regexp.MustCompile(`^[a-z]+\d+[a-z]*$`)
	// Karpenter durations: Go durations in hours, minutes and seconds (what the CRD's pattern accepts).
	durationPattern = regexp.MustCompile(`^([0-9]+(s|m|h))+$`)
	cron5Pattern    = regexp.MustCompile(`^(\S+\s+){4}\S+$`)
)

func (k Karpenter) validate(p *problems, path keyPath, env Environment) {
	if k.Version != KarpenterVersion {
		p.bad(path.Field("version"), k.Version, "is not the Karpenter version the platform is validated against: %s", KarpenterVersion)
	}
	switch {
	case !amiAliasPattern.MatchString(k.AMIAlias):
		p.bad(path.Field("amiAlias"), k.AMIAlias, "must be al2023@latest or a pinned al2023@vYYYYMMDD")
	case env.Production() && k.AMIAlias == "al2023@latest":
		p.bad(path.Field("amiAlias"), k.AMIAlias, "must be pinned in %s, a production environment: new AMIs reach production after the non-production environments", env.Name)
	}
	k.Graviton.validate(p, path.Field("graviton"), true)
	k.AMD64.validate(p, path.Field("amd64"), false)
	for _, d := range []struct{ key, value string }{{"consolidateAfter", k.ConsolidateAfter}, {"expireAfter", k.ExpireAfter}} {
		if d.value != "" && !durationPattern.MatchString(d.value) {
			p.bad(path.Field(d.key), d.value, "is not a duration such as 30s, 15m or 720h")
		}
	}
	if b := k.BusinessHours; b != nil {
		if !cron5Pattern.MatchString(b.Schedule) {
			p.bad(path.Field("businessHours").Field("schedule"), b.Schedule, "is not a five-field cron schedule such as \"0 8 * * mon-fri\"")
		}
		if !durationPattern.MatchString(b.Duration) {
			p.bad(path.Field("businessHours").Field("duration"), b.Duration, "is not a duration such as 10h")
		}
	}
}

// validate checks one architecture's pools: arm says whether they are the Graviton ones.
func (np NodePool) validate(p *problems, path keyPath, arm bool) {
	if len(np.Families) == 0 {
		p.missing(path.Field("families"), "instance families such as m7g")
	}
	for i, f := range np.Families {
		key := path.Field("families").Index(i)
		graviton := gravitonFamily(f)
		switch {
		case !familyPattern.MatchString(f):
			p.bad(key, f, "is not an instance family such as m7g or c6i")
		case arm && !graviton:
			p.bad(key, f, "is not a Graviton (arm64) family")
		case !arm && graviton:
			p.bad(key, f, "is a Graviton family in the amd64 pools")
		}
	}
	if np.CPULimit <= 0 {
		p.bad(path.Field("cpuLimit"), np.CPULimit, "must be greater than 0")
	}
}

// gravitonFamily reports whether an instance family is Graviton: a g right after the generation number.
func gravitonFamily(f string) bool {
	i := strings.IndexAny(f, "0123456789")
	if i < 0 {
		return false
	}
	rest := strings.TrimLeft(f[i:], "0123456789")
	return strings.HasPrefix(rest, "g")
}
