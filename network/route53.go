package network

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
)

// Route 53's hosted zones, records and zone associations are registered by type token with the local input types
// below rather than through the SDK's route53 package: that package is 1.0 MB of generated Go, 9 to 19 s of the
// program's cold build in the runs measured (docs/PERFORMANCE.md), for these four types. The input names
// are the provider's, checked against the SDK's types in tests.
const (
	zoneType                        = "aws:route53/zone:Zone"
	recordType                      = "aws:route53/record:Record"
	vpcAssociationAuthorizationType = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization"
	zoneAssociationType             = "aws:route53/zoneAssociation:ZoneAssociation"
)

// zone is a hosted zone's inputs; a private zone names its VPCs.
type zone struct {
	Name    string    `pulumi:"name"`
	Comment string    `pulumi:"comment"`
	VPCs    []zoneVPC `pulumi:"vpcs"`
}

func (zone) ElementType() reflect.Type { return reflect.TypeFor[zone]() }

type zoneVPC struct {
	VPCID     pulumi.StringInput `pulumi:"vpcId"`
	VPCRegion string             `pulumi:"vpcRegion"`
}

// HostedZone is a registered hosted zone: its ID and, for a public zone, its name servers.
type HostedZone struct {
	pulumi.CustomResourceState

	ZoneID      pulumi.StringOutput      `pulumi:"zoneId"`
	NameServers pulumi.StringArrayOutput `pulumi:"nameServers"`
}

func newZone(ctx *pulumi.Context, name string, z zone, opts ...pulumi.ResourceOption) (*HostedZone, error) {
	return bytoken.Register[HostedZone](ctx, zoneType, name, z, opts...)
}

// Record is a Route 53 record's inputs: plain records with their TTL, or an alias.
type Record struct {
	ZoneID         pulumi.StringInput      `pulumi:"zoneId"`
	Name           pulumi.StringInput      `pulumi:"name"`
	Type           pulumi.StringInput      `pulumi:"type"`
	TTL            *int                    `pulumi:"ttl"`
	Records        pulumi.StringArrayInput `pulumi:"records"`
	Aliases        []RecordAlias           `pulumi:"aliases"`
	AllowOverwrite *bool                   `pulumi:"allowOverwrite"`
}

func (Record) ElementType() reflect.Type { return reflect.TypeFor[Record]() }

// RecordAlias is an alias record's target.
type RecordAlias struct {
	Name                 pulumi.StringInput `pulumi:"name"`
	ZoneID               pulumi.StringInput `pulumi:"zoneId"`
	EvaluateTargetHealth bool               `pulumi:"evaluateTargetHealth"`
}

// RecordState is a registered record: its FQDN.
type RecordState struct {
	pulumi.CustomResourceState

	FQDN pulumi.StringOutput `pulumi:"fqdn"`
}

// NewRecord registers a Route 53 record.
func NewRecord(ctx *pulumi.Context, name string, r Record, opts ...pulumi.ResourceOption) (*RecordState, error) {
	return bytoken.Register[RecordState](ctx, recordType, name, r, opts...)
}

// zoneAssociation is the inputs of both a VPC association authorization (in the zone's account) and the
// association itself (in the VPC's account).
type zoneAssociation struct {
	VPCID     pulumi.StringInput `pulumi:"vpcId"`
	ZoneID    pulumi.StringInput `pulumi:"zoneId"`
	VPCRegion string             `pulumi:"vpcRegion"`
}

func (zoneAssociation) ElementType() reflect.Type { return reflect.TypeFor[zoneAssociation]() }

// zoneAuthorization is a registered authorization: the zone it authorizes.
type zoneAuthorization struct {
	pulumi.CustomResourceState

	ZoneID pulumi.StringOutput `pulumi:"zoneId"`
}
