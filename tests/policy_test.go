package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
	"github.com/innovate-inc/platform/org"
)

// policyInputs are the inputs that hold IAM-language documents, by resource type, with their kind.
var policyInputs = map[string]struct {
	field string
	kind  iampolicy.Kind
}{
	"aws:iam/role:Role":                                             {"assumeRolePolicy", iampolicy.Trust},
	"aws:iam/rolePolicy:RolePolicy":                                 {"policy", iampolicy.Identity},
	"aws:iam/policy:Policy":                                         {"policy", iampolicy.Identity},
	"aws:kms/key:Key":                                               {"policy", iampolicy.Resource},
	"aws:sns/topicPolicy:TopicPolicy":                               {"policy", iampolicy.Resource},
	"aws:sqs/queuePolicy:QueuePolicy":                               {"policy", iampolicy.Resource},
	"aws:s3/bucketPolicy:BucketPolicy":                              {"policy", iampolicy.Resource},
	"aws:backup/vaultPolicy:VaultPolicy":                            {"policy", iampolicy.Resource},
	"aws:ecr/repositoryPolicy:RepositoryPolicy":                     {"policy", iampolicy.Resource},
	"aws:ecr/registryPolicy:RegistryPolicy":                         {"policy", iampolicy.Resource},
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": {"repositoryPolicy", iampolicy.Resource},
}

// TestEveryPolicyDocumentIsValid parses every policy document any stack registers and checks each action and
// condition key against AWS's lists.
func TestEveryPolicyDocumentIsValid(t *testing.T) {
	catalog := iamref.Catalog()
	checked := map[string]int{}
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			var text string
			var kind iampolicy.Kind
			if r.Type == "aws:organizations/policy:Policy" {
				if r.Inputs["type"] != "SERVICE_CONTROL_POLICY" {
					continue
				}
				text, kind = r.Inputs["content"].(string), iampolicy.SCP
			} else if p, ok := policyInputs[r.Type]; ok {
				text, kind = fmt.Sprint(r.Inputs[p.field]), p.kind
			} else {
				continue
			}
			doc, err := iampolicy.Parse(text)
			require.NoError(t, err, "%s %s", s.Name, r.Name)
			for _, e := range catalog.Check(doc, kind) {
				t.Errorf("stack %s, %s %s: %v", s.Name, r.Type, r.Name, e)
			}
			checked[string(kind)]++
		}
	}
	// The checks above must have seen each kind of document the org layer writes.
	for _, kind := range []iampolicy.Kind{iampolicy.SCP, iampolicy.Trust, iampolicy.Identity, iampolicy.Resource} {
		assert.NotZero(t, checked[string(kind)], "no %s policy was checked", kind)
	}
}

// AWS allows five SCPs per root, OU or account, FullAWSAccess included.
func TestSCPAttachmentsStayWithinQuota(t *testing.T) {
	s, ok := fullPlan(t).Stack("org")
	require.True(t, ok)
	perTarget := map[string]int{}
	for _, r := range s.Resources {
		if r.Type != "aws:organizations/policyAttachment:PolicyAttachment" || strings.Contains(r.Name, "tag-policy") || strings.Contains(r.Name, "backup-policy") {
			continue
		}
		perTarget[r.Inputs["targetId"].(string)]++
	}
	require.NotEmpty(t, perTarget)
	for target, n := range perTarget {
		assert.LessOrEqual(t, n+1, org.MaxSCPsPerTarget, "target %s has %d SCPs plus FullAWSAccess", target, n)
	}
}

func TestTagAndBackupPoliciesAreWellFormed(t *testing.T) {
	s, _ := fullPlan(t).Stack("org")
	var sawTag, sawBackup bool
	for _, r := range s.Resources {
		if r.Type != "aws:organizations/policy:Policy" {
			continue
		}
		var doc map[string]any
		switch r.Inputs["type"] {
		case "TAG_POLICY":
			sawTag = true
			require.NoError(t, json.Unmarshal([]byte(r.Inputs["content"].(string)), &doc))
			tags := doc["tags"].(map[string]any)
			assert.Len(t, tags, 6)
			assert.Equal(t, map[string]any{"@@assign": "cost-center"}, tags["cost-center"].(map[string]any)["tag_key"])
		case "BACKUP_POLICY":
			sawBackup = true
			require.NoError(t, json.Unmarshal([]byte(r.Inputs["content"].(string)), &doc))
			plan := doc["plans"].(map[string]any)["platform-baseline"].(map[string]any)
			rule := plan["rules"].(map[string]any)["daily"].(map[string]any)
			copies := rule["copy_actions"].(map[string]any)
			require.Len(t, copies, 1)
			for arn := range copies {
				backup := s.Outputs["accountIdsByRole"].(map[string]any)["backup"].(string)
				// Same region: one copy action cannot cross both account and Region for RDS and its kin.
				assert.Equal(t, "arn:aws:backup:us-east-1:"+backup+":backup-vault:platform-baseline", arn)
			}
		}
	}
	assert.True(t, sawTag && sawBackup)
}
