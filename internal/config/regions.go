package config

import "slices"

// commercialRegions are the AWS commercial-partition regions (2026-11). Opt-in regions are included: the
// region guardrail and the account settings decide what is used, this list only catches typos.
var commercialRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// IsRegion reports whether r is a known AWS commercial region.
func IsRegion(r string) bool { return slices.Contains(commercialRegions, r) }
