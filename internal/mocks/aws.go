package mocks

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// custom answers a registration of a custom or component resource with the outputs AWS would compute.
func (m *Monitor) custom(urn string, t target, args pulumi.MockResourceArgs) (string, resource.PropertyMap) {
	outs := args.Inputs.Copy()
	set := func(k string, v any) { outs[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	setDefault := func(k string, v any) {
		if _, ok := outs[resource.PropertyKey(k)]; !ok {
			set(k, v)
		}
	}
	in := func(k string) string { return stringInput(args.Inputs, resource.PropertyKey(k)) }
	name := in("name")
	if name == "" {
		// Auto-naming without the random suffix keeps the plan deterministic.
		name = args.Name
	}
	if !args.Custom {
		if args.TypeToken == "eks:index:Cluster" {
			m.eksCluster(urn, args, outs)
		}
		return "", outs
	}
	id := hexID(urn, 16)
	acct, region := t.account, t.region

	m.mu.Lock()
	orgID, rootID := m.orgID, m.rootID
	m.mu.Unlock()

	switch args.TypeToken {
	case "aws:organizations/organization:Organization":
		orgID = "o-" + lowerAlnum(urn, 10)
		rootID = "r-" + lowerAlnum(urn+"root", 4)
		m.mu.Lock()
		m.orgID, m.rootID = orgID, rootID
		m.mu.Unlock()
		id = orgID
		var policyTypes []any
		if v, ok := Plain(args.Inputs)["enabledPolicyTypes"].([]any); ok {
			for _, p := range v {
				policyTypes = append(policyTypes, map[string]any{"type": p, "status": "ENABLED"})
			}
		}
		set("arn", fmt.Sprintf("arn:aws:organizations::%s:organization/%s", acct, orgID))
		set("masterAccountId", acct)
		set("masterAccountArn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", acct, orgID, acct))
		set("roots", []any{map[string]any{
			"id": rootID, "name": "Root", "policyTypes": policyTypes,
			"arn": fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", acct, orgID, rootID),
		}})
		set("accounts", []any{})
		set("nonMasterAccounts", []any{})
	case "aws:organizations/organizationalUnit:OrganizationalUnit":
		id = "ou-" + strings.TrimPrefix(rootID, "r-") + "-" + lowerAlnum(urn, 8)
		set("arn", fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", acct, orgID, id))
		set("accounts", []any{})
	case "aws:organizations/account:Account":
		id = AccountID(in("email"))
		set("arn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", acct, orgID, id))
		set("status", "ACTIVE")
		set("joinedMethod", "CREATED")
	case "aws:organizations/policy:Policy":
		id = "p-" + lowerAlnum(urn, 8)
		kind := strings.ToLower(in("type"))
		set("arn", fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", acct, orgID, kind, id))
	case "aws:organizations/policyAttachment:PolicyAttachment":
		id = in("targetId") + ":" + in("policyId")
	case "aws:organizations/delegatedAdministrator:DelegatedAdministrator":
		id = in("accountId") + "/" + in("servicePrincipal")
		set("arn", fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", acct, orgID, in("accountId")))
		set("status", "ACTIVE")
		set("delegationEnabledDate", "2026-11-29T00:00:00Z")
	case "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount",
		"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount",
		"aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount":
		id = in("adminAccountId") + in("accountId")
	case "aws:kms/key:Key":
		id = uuid(urn)
		set("keyId", id)
		set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, acct, id))
	case "aws:kms/alias:Alias":
		id = name
		set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:%s", region, acct, name))
		set("targetKeyArn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, acct, uuid(in("targetKeyId"))))
	case "aws:sns/topic:Topic":
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, acct, name)
		id = arn
		set("name", name)
		set("arn", arn)
		set("owner", acct)
	case "aws:sns/topicPolicy:TopicPolicy":
		id = in("arn")
		set("owner", acct)
	case "aws:sns/topicSubscription:TopicSubscription":
		id = in("topic") + ":" + uuid(urn)
		set("arn", id)
	case "aws:iam/role:Role":
		path := in("path")
		if path == "" {
			path = "/"
		}
		id = name
		set("name", name)
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role%s%s", acct, path, name))
		set("uniqueId", "AROA"+strings.ToUpper(lowerAlnum(urn, 17)))
		set("createDate", "2026-11-29T00:00:00Z")
	case "aws:iam/rolePolicy:RolePolicy":
		id = in("role") + ":" + name
		set("name", name)
	case "aws:budgets/budget:Budget":
		id = acct + ":" + name
		set("name", name)
		set("accountId", acct)
		set("arn", fmt.Sprintf("arn:aws:budgets::%s:budget/%s", acct, name))
	case "aws:budgets/budgetAction:BudgetAction":
		actionID := uuid(urn)
		id = acct + ":" + actionID + ":" + in("budgetName")
		set("actionId", actionID)
		set("status", "STANDBY")
		set("arn", fmt.Sprintf("arn:aws:budgets::%s:budget/%s/action/%s", acct, in("budgetName"), actionID))
	case "aws:costexplorer/anomalyMonitor:AnomalyMonitor":
		id = fmt.Sprintf("arn:aws:ce::%s:anomalymonitor/%s", acct, uuid(urn))
		set("arn", id)
	case "aws:costexplorer/anomalySubscription:AnomalySubscription":
		id = fmt.Sprintf("arn:aws:ce::%s:anomalysubscription/%s", acct, uuid(urn))
		set("arn", id)
		set("accountId", acct)
	case "aws:costexplorer/costAllocationTag:CostAllocationTag":
		id = in("tagKey")
		set("type", "UserDefined")
	case "aws:s3/bucketV2:BucketV2":
		id = in("bucket")
		set("arn", "arn:aws:s3:::"+id)
		set("bucketDomainName", id+".s3.amazonaws.com")
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", id, region))
		set("region", region)
		set("hostedZoneId", "Z3AQBSTGFYJSTF")
	case "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketVersioningV2:BucketVersioningV2",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketLoggingV2:BucketLoggingV2", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
		id = in("bucket")
	case "aws:cloudwatch/logGroup:LogGroup":
		id = name
		set("arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, acct, name))
	case "aws:cloudtrail/trail:Trail":
		arn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, acct, name)
		id = arn
		set("arn", arn)
		set("homeRegion", region)
	case "aws:guardduty/detector:Detector":
		id = hexID(urn, 32)
		set("accountId", acct)
		set("arn", fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", region, acct, id))
	case "aws:securityhub/account:Account":
		id = acct
		set("arn", fmt.Sprintf("arn:aws:securityhub:%s:%s:hub/default", region, acct))
	case "aws:securityhub/findingAggregator:FindingAggregator":
		id = fmt.Sprintf("arn:aws:securityhub:%s:%s:finding-aggregator/%s", region, acct, uuid(urn))
	case "aws:securityhub/configurationPolicy:ConfigurationPolicy":
		id = uuid(urn)
		set("arn", fmt.Sprintf("arn:aws:securityhub:%s:%s:configuration-policy/%s", region, acct, id))
	case "aws:cfg/configurationAggregator:ConfigurationAggregator":
		id = name
		set("arn", fmt.Sprintf("arn:aws:config:%s:%s:config-aggregator/config-aggregator-%s", region, acct, lowerAlnum(urn, 8)))
	case "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus":
		id = name
	case "aws:accessanalyzer/analyzer:Analyzer":
		id = in("analyzerName")
		set("arn", fmt.Sprintf("arn:aws:access-analyzer:%s:%s:analyzer/%s", region, acct, id))
	case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
		svc := in("awsServiceName")
		short := strings.SplitN(svc, ".", 2)[0]
		roleName := "AWSServiceRoleFor" + strings.ToUpper(short[:1]) + short[1:]
		id = fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/%s/%s", acct, svc, roleName)
		set("arn", id)
		set("name", roleName)
		set("path", "/aws-service-role/"+svc+"/")
	case "aws:backup/vault:Vault":
		id = name
		set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, acct, name))
		set("recoveryPoints", 0)
	case "aws:identitystore/group:Group":
		groupID := uuid(urn)
		id = in("identityStoreId") + "/" + groupID
		set("groupId", groupID)
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + hexID(urn, 17)
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", region, acct, id))
		set("defaultSecurityGroupId", "sg-"+hexID(urn+"sg", 17))
		set("defaultNetworkAclId", "acl-"+hexID(urn+"acl", 17))
		set("mainRouteTableId", "rtb-"+hexID(urn+"rtb", 17))
		set("ownerId", acct)
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + hexID(urn, 17)
		m.mu.Lock()
		m.subnetAZ[id] = in("availabilityZone")
		m.mu.Unlock()
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", region, acct, id))
		set("availabilityZoneId", regionCode(region)+"-az"+fmt.Sprint(strings.IndexByte("abcdef", lastByte(in("availabilityZone")))+1))
	case "aws:ec2/natGateway:NatGateway":
		id = "nat-" + hexID(urn, 17)
		set("publicIp", fmt.Sprintf("3.%d.%d.%d", byteOf(urn, 0), byteOf(urn, 1), byteOf(urn, 2)))
	case "aws:ec2/eip:Eip":
		id = "eipalloc-" + hexID(urn, 17)
		set("allocationId", id)
		set("publicIp", fmt.Sprintf("3.%d.%d.%d", byteOf(urn, 0), byteOf(urn, 1), byteOf(urn, 2)))
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id = "vpce-" + hexID(urn, 17)
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-endpoint/%s", region, acct, id))
		if in("vpcEndpointType") == "Interface" {
			set("dnsEntries", []any{map[string]any{
				"dnsName":      fmt.Sprintf("%s-%s.%s.%s.vpce.amazonaws.com", id, lowerAlnum(urn, 8), strings.TrimPrefix(in("serviceName"), "com.amazonaws."+region+"."), region),
				"hostedZoneId": "Z7HUB22UULQXV",
			}})
		}
		set("prefixListId", "pl-"+hexID(urn, 8))
	case "aws:ec2transitgateway/transitGateway:TransitGateway":
		id = "tgw-" + hexID(urn, 17)
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway/%s", region, acct, id))
		set("ownerId", acct)
	case "aws:ec2transitgateway/routeTable:RouteTable":
		id = "tgw-rtb-" + hexID(urn, 17)
		set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway-route-table/%s", region, acct, id))
	case "aws:ec2transitgateway/vpcAttachment:VpcAttachment":
		id = "tgw-attach-" + hexID(urn, 17)
		set("vpcOwnerId", acct)
	case "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter":
		id = in("transitGatewayAttachmentId")
	case "aws:ec2/vpnConnection:VpnConnection":
		id = "vpn-" + hexID(urn, 17)
		set("transitGatewayAttachmentId", "tgw-attach-"+hexID(urn+"attach", 17))
	case "aws:networkfirewall/firewall:Firewall":
		arn := fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall/%s", region, acct, name)
		id = arn
		set("arn", arn)
		var states []any
		if mappings, ok := Plain(args.Inputs)["subnetMappings"].([]any); ok {
			for _, mp := range mappings {
				subnet, _ := mp.(map[string]any)["subnetId"].(string)
				m.mu.Lock()
				az := m.subnetAZ[subnet]
				m.mu.Unlock()
				states = append(states, map[string]any{"availabilityZone": az, "attachments": []any{map[string]any{
					"endpointId": "vpce-" + hexID(urn+az, 17), "subnetId": subnet}}})
			}
		}
		set("firewallStatuses", []any{map[string]any{"syncStates": states}})
	case "aws:networkfirewall/firewallPolicy:FirewallPolicy":
		id = fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall-policy/%s", region, acct, name)
		set("arn", id)
	case "aws:networkfirewall/ruleGroup:RuleGroup":
		id = fmt.Sprintf("arn:aws:network-firewall:%s:%s:stateful-rulegroup/%s", region, acct, name)
		set("arn", id)
	case "aws:ram/resourceShare:ResourceShare":
		id = fmt.Sprintf("arn:aws:ram:%s:%s:resource-share/%s", region, acct, uuid(urn))
		set("arn", id)
	case "aws:route53/zone:Zone":
		id = "Z" + strings.ToUpper(lowerAlnum(urn, 20))
		set("zoneId", id)
		set("arn", "arn:aws:route53:::hostedzone/"+id)
		if _, private := args.Inputs["vpcs"]; !private {
			set("nameServers", []any{
				fmt.Sprintf("ns-%d.awsdns-%02d.com", 100+byteOf(urn, 0), byteOf(urn, 1)%64),
				fmt.Sprintf("ns-%d.awsdns-%02d.net", 600+byteOf(urn, 2), byteOf(urn, 3)%64),
				fmt.Sprintf("ns-%d.awsdns-%02d.org", 1100+byteOf(urn, 4), byteOf(urn, 5)%64),
				fmt.Sprintf("ns-%d.awsdns-%02d.co.uk", 1600+byteOf(urn, 6), byteOf(urn, 7)%64),
			})
		} else {
			set("nameServers", []any{})
		}
	case "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization":
		id = in("zoneId") + ":" + in("vpcId")
	case "aws:eks/nodeGroup:NodeGroup":
		id = in("clusterName") + ":" + in("nodeGroupName")
		set("arn", fmt.Sprintf("arn:aws:eks:%s:%s:nodegroup/%s/%s/%s", region, acct, in("clusterName"), in("nodeGroupName"), uuid(urn)))
		set("status", "ACTIVE")
	case "aws:eks/addon:Addon":
		id = in("clusterName") + ":" + in("addonName")
		set("arn", fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%s", region, acct, in("clusterName"), in("addonName"), uuid(urn)))
	case "aws:eks/accessEntry:AccessEntry":
		id = in("clusterName") + ":" + in("principalArn")
		set("accessEntryArn", fmt.Sprintf("arn:aws:eks:%s:%s:access-entry/%s/role/%s/%s", region, acct, in("clusterName"), acct, uuid(urn)))
	case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
		id = in("clusterName") + "," + "a-" + lowerAlnum(urn, 17)
		set("associationId", "a-"+lowerAlnum(urn, 17))
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = "lt-" + hexID(urn, 17)
		set("latestVersion", 1)
		set("defaultVersion", 1)
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		id = "sgrule-" + hexID(urn, 10)
	case "aws:rds/instance:Instance":
		id = in("identifier")
		address := fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", id, lowerAlnum(acct, 12), region)
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, acct, id))
		set("address", address)
		port := 5432 // a replica inherits its source's port; PostgreSQL's default otherwise
		if p, ok := Plain(args.Inputs)["port"].(float64); ok {
			port = int(p)
		}
		set("port", port)
		set("endpoint", fmt.Sprintf("%s:%d", address, port))
		set("resourceId", "db-"+strings.ToUpper(lowerAlnum(urn, 26)))
		if v, _ := Plain(args.Inputs)["manageMasterUserPassword"].(bool); v {
			set("masterUserSecrets", []any{map[string]any{
				"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s-%s", region, acct, uuid(urn), lowerAlnum(urn, 6)),
				"kmsKeyId":     in("masterUserSecretKmsKeyId"),
				"secretStatus": "active",
			}})
		}
	case "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup":
		id = name
		set("name", name)
	case "aws:backup/plan:Plan":
		id = uuid(urn)
		set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:backup-plan:%s", region, acct, id))
		set("version", hexID(urn, 32))
	case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
		id = in("name")
		set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:restore-testing-plan:%s-%s", region, acct, id, uuid(urn)))
	case "aws:ssoadmin/permissionSet:PermissionSet":
		instance := in("instanceArn")
		arn := fmt.Sprintf("arn:aws:sso:::permissionSet/%s/ps-%s", instance[strings.LastIndex(instance, "/")+1:], hexID(urn, 16))
		id = arn + "," + in("instanceArn")
		set("arn", arn)
		set("createdDate", "2026-11-29T00:00:00Z")
	}
	if prefix, ok := idPrefixes[args.TypeToken]; ok {
		id = prefix + hexID(urn, 17)
	}
	// Every AWS resource has an ARN; a generic one for types without a rule above.
	if strings.HasPrefix(args.TypeToken, "aws:") {
		svc := strings.SplitN(strings.TrimPrefix(args.TypeToken, "aws:"), "/", 2)[0]
		kind := strings.ToLower(args.TypeToken[strings.LastIndex(args.TypeToken, ":")+1:])
		setDefault("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", svc, region, acct, kind, id))
	}
	setDefault("id", id)
	return id, outs
}

// eksCluster answers for the pulumi-eks Cluster remote component, which gets no children under mocks: the
// outputs the program reads (endpoint, kubeconfig), in the account and region of its provider.
func (m *Monitor) eksCluster(urn string, args pulumi.MockResourceArgs, outs resource.PropertyMap) {
	ref := ""
	if args.RegisterRPC != nil {
		ref = args.RegisterRPC.GetProviders()["aws"]
	}
	t := m.targetOf(ref)
	name := stringInput(args.Inputs, "name")
	endpoint := fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(hexID(urn, 32)), t.region)
	kubeconfig := map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": "aws",
		"clusters": []any{map[string]any{"name": "kubernetes", "cluster": map[string]any{
			"server": endpoint, "certificate-authority-data": "LS0tLS1CRUdJTi1tb2NrLWNhLS0tLS0="}}},
		"contexts": []any{map[string]any{"name": "aws", "context": map[string]any{"cluster": "kubernetes", "user": "aws"}}},
		"users": []any{map[string]any{"name": "aws", "user": map[string]any{"exec": map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
			"args": []any{"eks", "get-token", "--cluster-name", name, "--region", t.region}}}}},
	}
	text, _ := json.Marshal(kubeconfig)
	outs["kubeconfig"] = resource.NewPropertyValue(kubeconfig)
	outs["kubeconfigJson"] = resource.NewProperty(string(text))
	outs["core"] = resource.NewPropertyValue(map[string]any{"endpoint": endpoint, "subnetIds": []any{}, "tags": map[string]any{}})
}

// idPrefixes are the ID formats of EC2 resources without a rule of their own.
var idPrefixes = map[string]string{
	"aws:ec2/routeTable:RouteTable":                       "rtb-",
	"aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
	"aws:ec2/route:Route":                                 "r-rtb-",
	"aws:ec2/internetGateway:InternetGateway":             "igw-",
	"aws:ec2/securityGroup:SecurityGroup":                 "sg-",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":   "sg-",
	"aws:ec2/networkAcl:NetworkAcl":                       "acl-",
	"aws:ec2/flowLog:FlowLog":                             "fl-",
	"aws:ec2/customerGateway:CustomerGateway":             "cgw-",
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
