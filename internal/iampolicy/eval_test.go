package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const flowLogsBucketPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
 {"Sid":"ServiceWrite","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:PutObject",
  "Resource":"arn:aws:s3:::logs/AWSLogs/*",
  "Condition":{"StringEquals":{"aws:SourceAccount":["111111111111","222222222222"]},
               "ArnLike":{"aws:SourceArn":"arn:aws:logs:*:111111111111:*"}}},
 {"Sid":"NoWritesFromSandbox","Effect":"Deny","Principal":{"AWS":"*"},"NotAction":"s3:Get*",
  "Resource":"arn:aws:s3:::logs/AWSLogs/333333333333/*"}
]}`

func TestEvaluate(t *testing.T) {
	doc, err := Parse(flowLogsBucketPolicy)
	require.NoError(t, err)
	base := func() Request {
		return Request{Service: "delivery.logs.amazonaws.com", Action: "s3:PutObject",
			Resource: "arn:aws:s3:::logs/AWSLogs/111111111111/vpcflowlogs/us-east-1/x",
			Context: map[string]string{"aws:SourceAccount": "111111111111",
				"aws:SourceArn": "arn:aws:logs:us-east-1:111111111111:*", "aws:SecureTransport": "true"}}
	}
	tests := []struct {
		name    string
		edit    func(*Request)
		allowed bool
		reason  string
	}{
		{"matching write", func(*Request) {}, true, `allowed by statement "ServiceWrite"`},
		{"action case does not matter", func(r *Request) { r.Action = "S3:putobject" }, true, `"ServiceWrite"`},
		{"key outside the allowed prefix", func(r *Request) { r.Resource = "arn:aws:s3:::logs/fw/AWSLogs/111111111111/x" }, false, "no Allow statement matches"},
		{"other service", func(r *Request) { r.Service = "config.amazonaws.com" }, false, "no Allow statement matches"},
		{"other action", func(r *Request) { r.Action = "s3:DeleteObject" }, false, "no Allow statement matches"},
		{"account not listed", func(r *Request) { r.Context["aws:SourceAccount"] = "999999999999" }, false, "no Allow statement matches"},
		{"source ARN of another account", func(r *Request) { r.Context["aws:SourceArn"] = "arn:aws:logs:us-east-1:999999999999:*" }, false, "no Allow statement matches"},
		{"source ARN not sent", func(r *Request) { delete(r.Context, "aws:SourceArn") }, false, "no Allow statement matches"},
		{"plain HTTP is denied", func(r *Request) { r.Context["aws:SecureTransport"] = "false" }, false, `denied by statement "DenyInsecureTransport"`},
		{"deny overrides allow", func(r *Request) {
			r.Resource = "arn:aws:s3:::logs/AWSLogs/333333333333/x"
		}, false, `denied by statement "NoWritesFromSandbox"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base()
			tt.edit(&req)
			got := Evaluate(doc, req)
			assert.Equal(t, tt.allowed, got.Allowed, got.Reason)
			assert.Contains(t, got.Reason, tt.reason)
		})
	}
}

func TestConditionOperators(t *testing.T) {
	ctx := map[string]string{"aws:sourceaccount": "111111111111", "aws:sourcearn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}
	tests := []struct {
		op, key string
		values  []string
		want    bool
	}{
		{"StringEquals", "aws:sourceaccount", []string{"222222222222", "111111111111"}, true},
		{"StringEquals", "aws:sourceaccount", []string{"222222222222"}, false},
		{"StringNotEquals", "aws:sourceaccount", []string{"222222222222"}, true},
		{"StringNotEquals", "aws:sourceaccount", []string{"111111111111"}, false},
		{"StringNotEquals", "aws:sourceorgid", []string{"o-x"}, true},
		{"StringLike", "aws:sourcearn", []string{"arn:aws:cloudtrail:*:111111111111:trail/*"}, true},
		{"ArnLike", "aws:sourcearn", []string{"arn:aws:cloudtrail:*:222222222222:trail/*"}, false},
		{"ArnEquals", "aws:sourcearn", []string{"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}, true},
		{"ArnNotLike", "aws:sourcearn", []string{"arn:aws:cloudtrail:*:111111111111:*"}, false},
		{"ArnNotLike", "aws:sourcearn", []string{"arn:aws:logs:*"}, true},
		{"StringEquals", "aws:sourceorgid", []string{"o-x"}, false},
		{"StringEqualsIfExists", "aws:sourceorgid", []string{"o-x"}, true},
		{"ForAnyValue:StringEquals", "aws:sourceaccount", []string{"111111111111"}, true},
		{"NumericEquals", "aws:sourceaccount", []string{"111111111111"}, false},
		{"Null", "aws:sourceorgid", []string{"true"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.key, func(t *testing.T) {
			assert.Equal(t, tt.want, conditionHolds(tt.op, ctx, tt.key, tt.values))
		})
	}
}

func TestGlobCrossesSlashes(t *testing.T) {
	assert.True(t, glob("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/AWSLogs/1/x/y", false))
	assert.True(t, glob("arn:aws:s3:::b/?WSLogs/*", "arn:aws:s3:::b/AWSLogs/1", false))
	assert.False(t, glob("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/awslogs/1", false), "resources are case-sensitive")
	assert.False(t, glob("arn:aws:s3:::b[1]", "arn:aws:s3:::b1", false), "brackets are literal")
	assert.True(t, glob("arn:aws:s3:::b[1]", "arn:aws:s3:::b[1]", false))
}

func TestStatementCovers(t *testing.T) {
	kms := Statement{Effect: Allow, Action: []string{"kms:*"}, Resource: []string{"*"}}
	assert.True(t, kms.CoversAction("kms:GenerateDataKey*"))
	assert.True(t, kms.CoversAction("KMS:CreateGrant"), "actions are case-insensitive")
	assert.False(t, kms.CoversAction("s3:GetObject"))
	exact := Statement{Effect: Allow, Action: []string{"kms:GenerateDataKey"}}
	assert.False(t, exact.CoversAction("kms:GenerateDataKey*"), "an exact action does not cover the wildcard family")
	notAction := Statement{Effect: Deny, NotAction: []string{"iam:*"}, Resource: []string{"*"}}
	assert.False(t, notAction.CoversAction("iam:CreateRole"))
	assert.True(t, notAction.CoversAction("ec2:RunInstances"))
	assert.False(t, Statement{Effect: Deny}.CoversAction("iam:CreateRole"), "no action element covers nothing")

	roles := Statement{Effect: Deny, Action: []string{"iam:CreateRole"}, Resource: []string{"arn:aws:iam::*:role/platform-*"}}
	assert.True(t, roles.CoversResource("arn:aws:iam::*:role/platform-pipeline"))
	assert.False(t, roles.CoversResource("arn:aws:iam::*:role/Platform-pipeline"), "resources are case-sensitive")
	notResource := Statement{Effect: Deny, NotResource: []string{"arn:aws:iam::*:role/keep"}}
	assert.True(t, notResource.CoversResource("arn:aws:iam::*:role/other"))
	assert.False(t, notResource.CoversResource("arn:aws:iam::*:role/keep"))

	assert.True(t, Like("arn:aws:iam::*:role/*-karpenter-controller-*", "arn:aws:iam::111111111111:role/dev-eks-karpenter-controller-92706a"))
	assert.False(t, Like("arn:aws:iam::*:role/*-karpenter-controller-*", "arn:aws:iam::111111111111:role/dev-eks-karpenter-controller"))
}
