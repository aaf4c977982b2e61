// Package plandiff compares two offline plans (`platform plan --format json`) and says, per stack, which resources
// a change would add, remove, replace or update, with the input keys that changed. It reads only the plans, so it
// needs no credentials and runs on every pull request, forks included. It never prints an input's value: only
// keys, so a secret cannot leak into a pull request comment (the plan itself already writes secrets as
// "[secret]", which also means a changed secret does not show as a change).
package plandiff

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

// Kind is what happens to a resource.
type Kind string

const (
	Add     Kind = "add"
	Remove  Kind = "remove"
	Replace Kind = "replace"
	Update  Kind = "update"
)

// Change is one resource that differs between the plans.
type Change struct {
	Kind Kind
	Type string
	Name string
	URN  string
	// Keys are the input keys that changed (dotted paths into nested objects), sorted.
	Keys []string
	// ReplaceKeys are the changed keys that force replacement for this resource type.
	ReplaceKeys []string
	// Protected is set when a protected resource would be removed or replaced: `pulumi up` refuses that.
	Protected bool
}

// StackDiff is the changes of one stack.
type StackDiff struct {
	Name    string
	Changes []Change
	// New and Gone say the whole stack appears or disappears.
	New, Gone bool
}

// Count is the number of changes of a kind.
func (s StackDiff) Count(k Kind) int {
	n := 0
	for _, c := range s.Changes {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// Read decodes a plan document.
func Read(r io.Reader, what string) (*plan.Result, error) {
	var res plan.Result
	dec := json.NewDecoder(r)
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("%s is not a `platform plan --format json` document: %w", what, err)
	}
	return &res, nil
}

// Compare returns the differences per stack, in the head plan's stack order (deploy order), then stacks only the
// base has. Stacks without changes are left out.
func Compare(base, head *plan.Result) []StackDiff {
	baseStacks := map[string]plan.StackPlan{}
	for _, s := range base.Stacks {
		baseStacks[s.Name] = s
	}
	var out []StackDiff
	seen := map[string]bool{}
	for _, h := range head.Stacks {
		seen[h.Name] = true
		b, ok := baseStacks[h.Name]
		d := compareStack(h.Name, b.Resources, h.Resources)
		d.New = !ok
		if len(d.Changes) > 0 || d.New {
			out = append(out, d)
		}
	}
	for _, b := range base.Stacks {
		if seen[b.Name] {
			continue
		}
		d := compareStack(b.Name, b.Resources, nil)
		d.Gone = true
		out = append(out, d)
	}
	return out
}

func compareStack(name string, base, head []plan.Resource) StackDiff {
	d := StackDiff{Name: name}
	before := map[string]plan.Resource{}
	for _, r := range base {
		before[r.URN] = r
	}
	after := map[string]bool{}
	for _, h := range head {
		after[h.URN] = true
		b, ok := before[h.URN]
		if !ok {
			d.Changes = append(d.Changes, Change{Kind: Add, Type: h.Type, Name: h.Name, URN: h.URN})
			continue
		}
		keys := changedKeys("", b.Inputs, h.Inputs)
		if b.Provider != h.Provider {
			// A resource moved to another provider (account or region) is a new resource for the engine.
			keys = append(keys, "(provider)")
		}
		if len(keys) == 0 {
			continue
		}
		sort.Strings(keys)
		c := Change{Kind: Update, Type: h.Type, Name: h.Name, URN: h.URN, Keys: keys}
		if c.ReplaceKeys = replacing(h.Type, keys); len(c.ReplaceKeys) > 0 {
			c.Kind, c.Protected = Replace, b.Protect
		}
		d.Changes = append(d.Changes, c)
	}
	for _, b := range base {
		if !after[b.URN] {
			d.Changes = append(d.Changes, Change{Kind: Remove, Type: b.Type, Name: b.Name, URN: b.URN, Protected: b.Protect})
		}
	}
	order := map[Kind]int{Replace: 0, Remove: 1, Add: 2, Update: 3}
	sort.SliceStable(d.Changes, func(i, j int) bool {
		a, b := d.Changes[i], d.Changes[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Name < b.Name
	})
	return d
}

// changedKeys lists the keys whose values differ, descending into objects on both sides (tags.owner) but not into
// lists (a changed list is one change of its key).
func changedKeys(prefix string, a, b map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		av, aok := a[k]
		bv, bok := b[k]
		if aok && bok {
			am, aIsMap := av.(map[string]any)
			bm, bIsMap := bv.(map[string]any)
			if aIsMap && bIsMap {
				out = append(out, changedKeys(prefix+k+".", am, bm)...)
				continue
			}
		}
		if aok != bok || !reflect.DeepEqual(av, bv) {
			out = append(out, prefix+k)
		}
	}
	return out
}

// replacing returns the changed keys that force replacement: a change of the key or anything under it.
func replacing(typ string, keys []string) []string {
	forces := ForceNew[typ]
	if len(forces) == 0 && strings.HasPrefix(typ, "aws:") && !slices.Contains(nameUpdatable, typ) {
		// Most AWS resources cannot be renamed in place.
		forces = []string{"name"}
	}
	if strings.HasPrefix(typ, "pulumi:providers:") {
		return nil
	}
	var out []string
	for _, k := range keys {
		if k == "(provider)" {
			out = append(out, k)
			continue
		}
		for _, f := range forces {
			if k == f || strings.HasPrefix(k, f+".") {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// ForceNew lists, for the resource types the platform registers most, the inputs whose change replaces the
// resource (the provider schema's forceNew / "changing this forces a new resource").
var ForceNew = map[string][]string{
	"aws:ec2/vpc:Vpc":                                               {"cidrBlock", "instanceTenancy", "ipv4IpamPoolId"},
	"aws:ec2/subnet:Subnet":                                         {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6CidrBlock"},
	"aws:ec2/securityGroup:SecurityGroup":                           {"name", "namePrefix", "description", "vpcId"},
	"aws:ec2/routeTable:RouteTable":                                 {"vpcId"},
	"aws:ec2/route:Route":                                           {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"},
	"aws:ec2/natGateway:NatGateway":                                 {"subnetId", "allocationId", "connectivityType", "privateIp"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                               {"vpcId", "serviceName", "vpcEndpointType"},
	"aws:ec2/eip:Eip":                                               {"domain", "networkBorderGroup", "publicIpv4Pool"},
	"aws:ec2/launchTemplate:LaunchTemplate":                         {"name", "namePrefix"},
	"aws:ec2transitgateway/transitGateway:TransitGateway":           {"amazonSideAsn"},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":             {"transitGatewayId", "vpcId"},
	"aws:ec2transitgateway/routeTable:RouteTable":                   {"transitGatewayId"},
	"aws:ec2transitgateway/route:Route":                             {"destinationCidrBlock", "transitGatewayRouteTableId"},
	"aws:s3/bucketV2:BucketV2":                                      {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:s3/bucket:Bucket":                                          {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:kms/key:Key":                                               {"customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"},
	"aws:kms/alias:Alias":                                           {"name", "namePrefix"},
	"aws:iam/role:Role":                                             {"name", "namePrefix", "path"},
	"aws:iam/policy:Policy":                                         {"name", "namePrefix", "path"},
	"aws:iam/rolePolicy:RolePolicy":                                 {"name", "namePrefix", "role"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider":           {"url"},
	"aws:ecr/repository:Repository":                                 {"name", "encryptionConfigurations"},
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":             {"ecrRepositoryPrefix", "upstreamRegistryUrl", "credentialArn"},
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": {"prefix"},
	"aws:eks/cluster:Cluster":                                       {"name", "roleArn", "encryptionConfig", "kubernetesNetworkConfig", "outpostConfig"},
	"aws:eks/nodeGroup:NodeGroup":                                   {"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds", "amiType", "capacityType", "diskSize", "instanceTypes", "remoteAccess"},
	"aws:rds/instance:Instance":                                     {"identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId", "availabilityZone", "characterSet", "username", "timezone"},
	"aws:rds/subnetGroup:SubnetGroup":                               {"name", "namePrefix"},
	"aws:codebuild/project:Project":                                 {"name"},
	"aws:cloudwatch/logGroup:LogGroup":                              {"name", "namePrefix"},
	"aws:organizations/account:Account":                             {"email", "iamUserAccessToBilling", "roleName"},
	"aws:networkfirewall/firewall:Firewall":                         {"name", "vpcId"},
	"aws:networkfirewall/ruleGroup:RuleGroup":                       {"name", "type", "capacity"},
	"aws:route53/zone:Zone":                                         {"name", "delegationSetId"},
	"aws:secretsmanager/secret:Secret":                              {"name", "namePrefix"},
	"aws:sqs/queue:Queue":                                           {"name", "namePrefix", "fifoQueue"},
	"aws:sns/topic:Topic":                                           {"name", "namePrefix", "fifoTopic"},
}

// nameUpdatable are AWS types whose name input changes in place.
var nameUpdatable = []string{
	"aws:organizations/organizationalUnit:OrganizationalUnit", "aws:organizations/policy:Policy",
}
