package mocks

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// custom answers a registration of a custom or component resource with the outputs AWS would compute: the
// inputs, then what the handler of the resource's type adds (see families), then an ARN and ID for any AWS type
// that lacks them.
func (m *Monitor) custom(urn string, t target, args pulumi.MockResourceArgs) (string, resource.PropertyMap) {
	outs := args.Inputs.Copy()
	if !args.Custom {
		if args.TypeToken == "eks:index:Cluster" {
			m.eksCluster(urn, args, outs)
		}
		return "", outs
	}
	r := &registration{m: m, urn: urn, args: args, acct: t.account, region: t.region,
		name: stringInput(args.Inputs, "name"), id: hexID(urn, 16), outs: outs}
	if r.name == "" {
		// Auto-naming without the random suffix keeps the plan deterministic.
		r.name = args.Name
	}
	m.mu.Lock()
	r.orgID, r.rootID = m.orgID, m.rootID
	m.mu.Unlock()
	if h := handlerFor(args.TypeToken); h != nil {
		h(r)
	}
	// Every AWS resource has an ARN; a generic one for types whose handler sets none.
	if strings.HasPrefix(args.TypeToken, "aws:") {
		svc := strings.SplitN(strings.TrimPrefix(args.TypeToken, "aws:"), "/", 2)[0]
		kind := strings.ToLower(args.TypeToken[strings.LastIndex(args.TypeToken, ":")+1:])
		r.setDefault("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", svc, t.region, t.account, kind, r.id))
	}
	r.setDefault("id", r.id)
	return r.id, r.outs
}

// availabilityZones are the AZ letters per region; regions not listed have a, b and c.
var availabilityZones = map[string]string{
	"us-east-1": "abcdef", "us-west-2": "abcd", "us-east-2": "abc", "us-west-1": "ac",
	"eu-west-1": "abc", "eu-central-1": "abc", "ap-northeast-1": "acd",
}

// Call answers an invoke with the values AWS would return for the provider's account and region.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	t := m.targetOf(args.Provider)
	if r := stringInput(args.Args, "region"); r != "" {
		t.region = r
	}
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": t.account, "accountId": t.account,
			"arn":    fmt.Sprintf("arn:aws:sts::%s:assumed-role/platform-deployer/pulumi", t.account),
			"userId": "AROA" + strings.ToUpper(lowerAlnum(t.account, 17)) + ":pulumi",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": t.region, "name": t.region, "region": t.region,
			"endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", t.region), "description": t.region,
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		letters, ok := availabilityZones[t.region]
		if !ok {
			letters = "abc"
		}
		var names, ids []any
		for i, l := range letters {
			names = append(names, t.region+string(l))
			ids = append(ids, fmt.Sprintf("%s-az%d", regionCode(t.region), i+1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": t.region, "names": names, "zoneIds": ids, "groupNames": []any{t.region},
		}), nil
	case "aws:iam/getRoles:getRoles":
		// The roles IAM Identity Center provisions for a permission set: AWSReservedSSO_<set>_<hash>.
		if m.noSSORoles {
			return resource.NewPropertyMapFromMap(map[string]any{"id": t.region, "arns": []any{}, "names": []any{}}), nil
		}
		re := stringInput(args.Args, "nameRegex")
		set := strings.TrimSuffix(strings.TrimPrefix(re, "^AWSReservedSSO_"), "_[0-9a-f]+$")
		roleName := fmt.Sprintf("AWSReservedSSO_%s_%s", set, hexID(t.account+set, 16))
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":    t.region,
			"arns":  []any{fmt.Sprintf("arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/%s", t.account, roleName)},
			"names": []any{roleName},
		}), nil
	case "aws:lb/getHostedZoneId:getHostedZoneId":
		return lbHostedZone(t.region, args.Args)
	case "aws:ssoadmin/getInstances:getInstances":
		// The organization's Identity Center instance, as the delegated administrator sees it.
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":               t.region,
			"arns":             []any{"arn:aws:sso:::instance/" + ssoInstanceID(m.management)},
			"identityStoreIds": []any{"d-" + lowerAlnum("identity-store:"+m.management, 10)},
		}), nil
	}
	return nil, fmt.Errorf("mocks: no mock for invoke %s: add one to internal/mocks so the plan stays realistic", args.Token)
}

func lastByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[len(s)-1]
}

func byteOf(seed string, i int) int {
	sum := sha256.Sum256([]byte(seed))
	return int(sum[i])
}

func ssoInstanceID(seed string) string { return "ssoins-" + hexID("sso:"+seed, 16) }

// regionCode is the short form AZ IDs use (us-east-1 -> use1).
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[parts[1]]
	return parts[0] + dir + parts[2]
}
