package org

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/costexplorer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/tags"
)

// CostControlsArgs configures CostControls.
type CostControlsArgs struct {
	Env                 string
	Config              config.Organization
	Provider            *aws.Provider // the management account (budgets and Cost Explorer are global, in us-east-1)
	ManagementAccountID pulumi.StringInput
	AccountIDs          map[string]pulumi.StringOutput
	// DenyNewSpend is the SCP the budget actions attach, with its ARN for the action role's policy.
	DenyNewSpendID  pulumi.StringInput
	DenyNewSpendARN pulumi.StringInput
}

// CostControls creates, in the management account: a KMS-encrypted SNS topic for billing alerts; a monthly cost
// budget per account and per team (by the team cost-allocation tag) with actual and forecast alerts; for every
// account with a hard limit, a budget action that attaches the deny-new-spend SCP when actual spend crosses the
// hard-limit percentage (a real spending limit), run by a role budgets may assume; a Cost Anomaly Detection
// monitor with an immediate (SNS) and a daily (email) subscription; and the activation of the cost-allocation tags.
//
// Cost: budgets are free for the first two per account and then $0.02/day each when they have actions
// (about $0.60/month per action budget); anomaly detection and tag activation are free; the KMS key is $1/month.
//
// It exports the alert topic ARN.
type CostControls struct {
	pulumi.ResourceState

	TopicARN pulumi.StringOutput
}

// NewCostControls registers the budgets, actions, anomaly detection and tag activation.
func NewCostControls(ctx *pulumi.Context, name string, args CostControlsArgs, opts ...pulumi.ResourceOption) (*CostControls, error) {
	c := &CostControls{}
	if err := ctx.RegisterComponentResource("platform:org:CostControls", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	env := args.Env
	mgmt := args.ManagementAccountID.ToStringOutput()

	topicName := naming.Name(env, "billing", "alerts")
	key, err := kmskey.New(ctx, naming.Name(env, "billing", "alerts-key"), pulumi.String("Encrypts the billing alerts topic"), mgmt.ApplyT(func(account string) (string, error) {
		return AlertsKeyPolicy(account).JSON()
	}).(pulumi.StringOutput), append(child, pulumi.Protect(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating billing alerts key: %w", err)
	}
	if _, err := kms.NewAlias(ctx, naming.Name(env, "billing", "alerts-key-alias"), &kms.AliasArgs{
		Name:        pulumi.String("alias/" + topicName),
		TargetKeyId: key.KeyId,
	}, child...); err != nil {
		return nil, fmt.Errorf("creating billing alerts key alias: %w", err)
	}
	topic, err := sns.NewTopic(ctx, topicName, &sns.TopicArgs{
		Name:           pulumi.String(topicName),
		KmsMasterKeyId: key.Arn,
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("creating billing alerts topic: %w", err)
	}
	c.TopicARN = topic.Arn
	if _, err := sns.NewTopicPolicy(ctx, naming.Name(env, "billing", "alerts-policy"), &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: pulumi.All(topic.Arn, mgmt).ApplyT(func(xs []any) (string, error) {
			return AlertsTopicPolicy(xs[0].(string), xs[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, fmt.Errorf("creating billing alerts topic policy: %w", err)
	}

	b := args.Config.Budgets
	notifications := func(emails []string) budgets.BudgetNotificationArray {
		var out budgets.BudgetNotificationArray
		add := func(kind string, pcts []float64) {
			for _, pct := range pcts {
				out = append(out, budgets.BudgetNotificationArgs{
					ComparisonOperator:       pulumi.String("GREATER_THAN"),
					NotificationType:         pulumi.String(kind),
					Threshold:                pulumi.Float64(pct),
					ThresholdType:            pulumi.String("PERCENTAGE"),
					SubscriberEmailAddresses: pulumi.ToStringArray(emails),
					SubscriberSnsTopicArns:   pulumi.StringArray{topic.Arn},
				})
			}
		}
		add("ACTUAL", b.ActualThresholdsPercent)
		add("FORECASTED", b.ForecastThresholdsPercent)
		return out
	}

	var hardLimited []config.Account
	accountBudgets := map[string]*budgets.Budget{}
	for _, a := range args.Config.Accounts {
		budgetName := naming.Name(env, "budget", "account", a.Name)
		bud, err := budgets.NewBudget(ctx, budgetName, &budgets.BudgetArgs{
			Name:        pulumi.String(budgetName),
			BudgetType:  pulumi.String("COST"),
			LimitAmount: pulumi.String(usd(a.Budget.MonthlyLimitUSD)),
			LimitUnit:   pulumi.String("USD"),
			TimeUnit:    pulumi.String("MONTHLY"),
			CostFilters: budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{
				Name:   pulumi.String("LinkedAccount"),
				Values: pulumi.StringArray{args.AccountIDs[a.Name]},
			}},
			Notifications: notifications(b.AlertEmails),
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating budget for account %q: %w", a.Name, err)
		}
		accountBudgets[a.Name] = bud
		if a.Budget.HardLimit != nil && *a.Budget.HardLimit {
			hardLimited = append(hardLimited, a)
		}
	}

	for _, t := range b.Teams {
		emails := t.AlertEmails
		if len(emails) == 0 {
			emails = b.AlertEmails
		}
		budgetName := naming.Name(env, "budget", "team", t.Name)
		if _, err := budgets.NewBudget(ctx, budgetName, &budgets.BudgetArgs{
			Name:        pulumi.String(budgetName),
			BudgetType:  pulumi.String("COST"),
			LimitAmount: pulumi.String(usd(t.MonthlyLimitUSD)),
			LimitUnit:   pulumi.String("USD"),
			TimeUnit:    pulumi.String("MONTHLY"),
			CostFilters: budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{
				Name:   pulumi.String("TagKeyValue"),
				Values: pulumi.StringArray{pulumi.String("user:" + tags.Team + "$" + t.Name)},
			}},
			Notifications: notifications(emails),
		}, child...); err != nil {
			return nil, fmt.Errorf("creating budget for team %q: %w", t.Name, err)
		}
	}

	if len(hardLimited) > 0 {
		var targets []pulumi.StringInput
		for _, a := range hardLimited {
			targets = append(targets, args.AccountIDs[a.Name])
		}
		roleName := naming.Limited(naming.Name(env, "budget", "actions"), naming.MaxIAMRoleName)
		role, err := iam.NewRole(ctx, naming.Name(env, "budget", "actions-role"), &iam.RoleArgs{
			Name:        pulumi.String(roleName),
			Description: pulumi.String("Assumed by AWS Budgets to attach the deny-new-spend SCP"),
			AssumeRolePolicy: mgmt.ApplyT(func(account string) (string, error) {
				return BudgetActionsTrustPolicy(account).JSON()
			}).(pulumi.StringOutput),
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating budget actions role: %w", err)
		}
		policyInputs := []any{args.DenyNewSpendARN, mgmt}
		for _, t := range targets {
			policyInputs = append(policyInputs, t)
		}
		if _, err := iam.NewRolePolicy(ctx, naming.Name(env, "budget", "actions-policy"), &iam.RolePolicyArgs{
			Name: pulumi.String("attach-deny-new-spend"),
			Role: role.Name,
			Policy: pulumi.All(policyInputs...).ApplyT(func(xs []any) (string, error) {
				var accounts []string
				for _, x := range xs[2:] {
					accounts = append(accounts, x.(string))
				}
				return BudgetActionsPolicy(xs[0].(string), xs[1].(string), accounts).JSON()
			}).(pulumi.StringOutput),
		}, child...); err != nil {
			return nil, fmt.Errorf("creating budget actions policy: %w", err)
		}

		var subscribers budgets.BudgetActionSubscriberArray
		for _, e := range b.AlertEmails {
			subscribers = append(subscribers, budgets.BudgetActionSubscriberArgs{
				Address: pulumi.String(e), SubscriptionType: pulumi.String("EMAIL")})
		}
		subscribers = append(subscribers, budgets.BudgetActionSubscriberArgs{
			Address: topic.Arn, SubscriptionType: pulumi.String("SNS")})
		for _, a := range hardLimited {
			if _, err := budgets.NewBudgetAction(ctx, naming.Name(env, "budget", "hard-limit", a.Name), &budgets.BudgetActionArgs{
				BudgetName:       accountBudgets[a.Name].Name,
				ActionType:       pulumi.String("APPLY_SCP_POLICY"),
				ApprovalModel:    pulumi.String("AUTOMATIC"),
				NotificationType: pulumi.String("ACTUAL"),
				ExecutionRoleArn: role.Arn,
				ActionThreshold: budgets.BudgetActionActionThresholdArgs{
					ActionThresholdType:  pulumi.String("PERCENTAGE"),
					ActionThresholdValue: pulumi.Float64(b.HardLimitPercent),
				},
				Definition: budgets.BudgetActionDefinitionArgs{
					ScpActionDefinition: budgets.BudgetActionDefinitionScpActionDefinitionArgs{
						PolicyId:  args.DenyNewSpendID,
						TargetIds: pulumi.StringArray{args.AccountIDs[a.Name]},
					},
				},
				Subscribers: subscribers,
			}, child...); err != nil {
				return nil, fmt.Errorf("creating hard-limit action for account %q: %w", a.Name, err)
			}
		}
	}

	ad := args.Config.AnomalyDetection
	monitors, err := anomalyMonitors(ctx, env, args.AccountIDs, child...)
	if err != nil {
		return nil, err
	}
	threshold := costexplorer.AnomalySubscriptionThresholdExpressionArgs{
		Dimension: costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs{
			Key:          pulumi.String("ANOMALY_TOTAL_IMPACT_ABSOLUTE"),
			MatchOptions: pulumi.ToStringArray([]string{"GREATER_THAN_OR_EQUAL"}),
			Values:       pulumi.ToStringArray([]string{usd(ad.ThresholdUSD)}),
		},
	}
	var emailSubs costexplorer.AnomalySubscriptionSubscriberArray
	for _, e := range ad.Emails {
		emailSubs = append(emailSubs, costexplorer.AnomalySubscriptionSubscriberArgs{Type: pulumi.String("EMAIL"), Address: pulumi.String(e)})
	}
	// Email subscribers only take daily or weekly summaries; the SNS subscription is immediate.
	for _, s := range []struct {
		key, frequency string
		subs           costexplorer.AnomalySubscriptionSubscriberArray
	}{
		{"daily-email", "DAILY", emailSubs},
		{"immediate-sns", "IMMEDIATE", costexplorer.AnomalySubscriptionSubscriberArray{
			costexplorer.AnomalySubscriptionSubscriberArgs{Type: pulumi.String("SNS"), Address: topic.Arn}}},
	} {
		if _, err := costexplorer.NewAnomalySubscription(ctx, naming.Name(env, "cost-anomaly", s.key), &costexplorer.AnomalySubscriptionArgs{
			Name:                pulumi.String(naming.Name(env, "cost-anomaly", s.key)),
			Frequency:           pulumi.String(s.frequency),
			MonitorArnLists:     monitors,
			Subscribers:         s.subs,
			ThresholdExpression: threshold,
		}, child...); err != nil {
			return nil, fmt.Errorf("creating cost anomaly subscription %q: %w", s.key, err)
		}
	}

	for _, k := range tags.Keys() {
		if _, err := costexplorer.NewCostAllocationTag(ctx, naming.Name(env, "cost-allocation-tag", k), &costexplorer.CostAllocationTagArgs{
			TagKey: pulumi.String(k),
			Status: pulumi.String("Active"),
		}, child...); err != nil {
			return nil, fmt.Errorf("activating cost allocation tag %q: %w", k, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"topicArn": topic.Arn})
}

// MaxAccountsPerMonitor is how many linked accounts one Cost Anomaly Detection monitor can track.
const MaxAccountsPerMonitor = 10

// anomalyMonitors creates linked-account monitors over every member account, ten accounts to a monitor. Not the
// AWS services (DIMENSIONAL SERVICE) monitor: an account has at most one, and every account that has used Cost
// Explorer already has AWS's default one, so creating another fails.
func anomalyMonitors(ctx *pulumi.Context, env string, accountIDs map[string]pulumi.StringOutput, opts ...pulumi.ResourceOption) (pulumi.StringArray, error) {
	names := slices.Sorted(maps.Keys(accountIDs))
	var arns pulumi.StringArray
	for i := 0; i < len(names); i += MaxAccountsPerMonitor {
		chunk := names[i:min(i+MaxAccountsPerMonitor, len(names))]
		var ids []any
		for _, n := range chunk {
			ids = append(ids, accountIDs[n])
		}
		key := "accounts"
		if len(names) > MaxAccountsPerMonitor {
			key = fmt.Sprintf("accounts-%d", i/MaxAccountsPerMonitor+1)
		}
		spec := pulumi.All(ids...).ApplyT(func(xs []any) (string, error) { return MonitorSpecification(xs) }).(pulumi.StringOutput)
		m, err := costexplorer.NewAnomalyMonitor(ctx, naming.Name(env, "cost-anomaly", key), &costexplorer.AnomalyMonitorArgs{
			Name:                 pulumi.String(naming.Name(env, "cost-anomaly", key)),
			MonitorType:          pulumi.String("CUSTOM"),
			MonitorSpecification: spec,
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("creating cost anomaly monitor %q: %w", key, err)
		}
		arns = append(arns, m.Arn)
	}
	return arns, nil
}

// MonitorSpecification is a linked-account monitor's Cost Explorer expression, in the full form the API returns
// (a shorter form shows as a change on every preview).
func MonitorSpecification(accountIDs []any) (string, error) {
	b, err := json.Marshal(map[string]any{
		"And": nil, "CostCategories": nil, "Not": nil, "Or": nil, "Tags": nil,
		"Dimensions": map[string]any{"Key": "LINKED_ACCOUNT", "MatchOptions": nil, "Values": accountIDs},
	})
	if err != nil {
		return "", fmt.Errorf("marshalling the monitor specification: %w", err)
	}
	return string(b), nil
}

func usd(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// AlertsKeyPolicy lets the account administer the key and AWS Budgets and Cost Anomaly Detection encrypt
// messages for the topic, on behalf of this account only.
func AlertsKeyPolicy(account string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.AccountAdministers(account),
		iampolicy.Statement{Sid: "BillingServicesEncrypt", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"budgets.amazonaws.com", "costalerts.amazonaws.com"}},
			Action:    []string{"kms:GenerateDataKey*", "kms:Decrypt"}, Resource: everything,
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {account}}}},
	)
}

// AlertsTopicPolicy lets AWS Budgets and Cost Anomaly Detection publish for this account, over TLS only.
func AlertsTopicPolicy(topicARN, account string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "BillingServicesPublish", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"budgets.amazonaws.com", "costalerts.amazonaws.com"}},
			Action:    []string{"sns:Publish"}, Resource: []string{topicARN},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {account}}}},
		iampolicy.DenyInsecureTransport([]string{"sns:Publish"}, topicARN),
	)
}

// BudgetActionsTrustPolicy lets AWS Budgets of this account assume the action role.
func BudgetActionsTrustPolicy(account string) iampolicy.Document {
	doc := iampolicy.ServiceTrust("budgets.amazonaws.com", account)
	doc.Statement[0].Condition["ArnLike"] = map[string][]string{"aws:SourceArn": {"arn:aws:budgets::" + account + ":budget/*"}}
	return doc
}

// BudgetActionsPolicy lets the action role attach and detach only the deny-new-spend SCP, only on the
// hard-limited accounts.
func BudgetActionsPolicy(policyARN, managementAccount string, accountIDs []string) iampolicy.Document {
	resources := []string{policyARN}
	for _, id := range accountIDs {
		resources = append(resources, fmt.Sprintf("arn:aws:organizations::%s:account/o-*/%s", managementAccount, id))
	}
	return iampolicy.New(
		iampolicy.Statement{Sid: "AttachDenyNewSpend", Effect: iampolicy.Allow,
			Action: []string{"organizations:AttachPolicy", "organizations:DetachPolicy"}, Resource: resources},
		iampolicy.Statement{Sid: "ReadPolicies", Effect: iampolicy.Allow,
			Action:   []string{"organizations:DescribePolicy", "organizations:ListPoliciesForTarget", "organizations:ListTargetsForPolicy"},
			Resource: everything},
	)
}
