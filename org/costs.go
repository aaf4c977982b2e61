package org

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

// CostControlsArgs configures CostControls.
type CostControlsArgs struct {
	// Scope is the management account (budgets and Cost Explorer are global, in us-east-1).
	scope.Scope
	Config              config.Organization
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

// NewCostControls registers the alert topic, the budgets and their actions, anomaly detection and tag activation.
func NewCostControls(ctx *pulumi.Context, name string, args CostControlsArgs, opts ...pulumi.ResourceOption) (*CostControls, error) {
	c := &CostControls{}
	if err := ctx.RegisterComponentResource("platform:org:CostControls", name, c, opts...); err != nil {
		return nil, err
	}
	s := costSteps{c: c, name: name, args: args, mgmt: args.ManagementAccountID.ToStringOutput()}
	topic, err := s.alertTopic(ctx)
	if err != nil {
		return nil, fmt.Errorf("cost controls %s: %w", name, err)
	}
	accountBudgets, err := s.budgets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("cost controls %s: %w", name, err)
	}
	if err := s.hardLimits(ctx, topic, accountBudgets); err != nil {
		return nil, fmt.Errorf("cost controls %s: %w", name, err)
	}
	if err := s.anomalyDetection(ctx, topic); err != nil {
		return nil, fmt.Errorf("cost controls %s: %w", name, err)
	}
	for _, k := range tags.Keys() {
		if _, err := bytoken.Register[bytoken.Resource](ctx, costAllocationTagType, s.n("cost-allocation-tag", k),
			costAllocationTag{TagKey: k, Status: "Active"}, s.in()...); err != nil {
			return nil, fmt.Errorf("cost controls %s: activating cost allocation tag %q: %w", name, k, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"topicArn": topic.Arn})
}

// costSteps is what every step of CostControls needs.
type costSteps struct {
	c    *CostControls
	name string
	args CostControlsArgs
	mgmt pulumi.StringOutput
}

func (s costSteps) n(role ...string) string { return scope.Child(s.name, role...) }

func (s costSteps) in(more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return s.args.In(s.c, more...)
}

// alertTopic creates the KMS-encrypted SNS topic every budget and anomaly alert goes to.
func (s costSteps) alertTopic(ctx *pulumi.Context) (*sns.Topic, error) {
	topicName := s.n("alerts")
	key, err := kmskey.New(ctx, s.n("alerts-key"), pulumi.String("Encrypts the billing alerts topic"), s.mgmt.ApplyT(func(account string) (string, error) {
		return AlertsKeyPolicy(account).JSON()
	}).(pulumi.StringOutput), s.in(pulumi.Protect(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating the alerts key: %w", err)
	}
	if _, err := kms.NewAlias(ctx, s.n("alerts-key-alias"), &kms.AliasArgs{
		Name:        pulumi.String("alias/" + topicName),
		TargetKeyId: key.KeyId,
	}, s.in()...); err != nil {
		return nil, fmt.Errorf("creating the alerts key alias: %w", err)
	}
	topic, err := sns.NewTopic(ctx, topicName, &sns.TopicArgs{Name: pulumi.String(topicName), KmsMasterKeyId: key.Arn}, s.in()...)
	if err != nil {
		return nil, fmt.Errorf("creating the alerts topic: %w", err)
	}
	s.c.TopicARN = topic.Arn
	if _, err := sns.NewTopicPolicy(ctx, s.n("alerts-policy"), &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: pulumi.All(topic.Arn, s.mgmt).ApplyT(func(xs []any) (string, error) {
			return AlertsTopicPolicy(xs[0].(string), xs[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, s.in()...); err != nil {
		return nil, fmt.Errorf("creating the alerts topic policy: %w", err)
	}
	return topic, nil
}

// budgets creates a monthly cost budget per account and per team, alerting on actual and forecast spend.
func (s costSteps) budgets(ctx *pulumi.Context, topic *sns.Topic) (map[string]*budgets.Budget, error) {
	b := s.args.Config.Budgets
	out := map[string]*budgets.Budget{}
	for _, a := range s.args.Config.Accounts {
		bud, err := s.budget(ctx, "account", a.Name, a.Budget.MonthlyLimitUSD, budgets.BudgetCostFilterArgs{
			Name: pulumi.String("LinkedAccount"), Values: pulumi.StringArray{s.args.AccountIDs[a.Name]},
		}, b.AlertEmails, topic)
		if err != nil {
			return nil, err
		}
		out[a.Name] = bud
	}
	for _, t := range b.Teams {
		emails := t.AlertEmails
		if len(emails) == 0 {
			emails = b.AlertEmails
		}
		if _, err := s.budget(ctx, "team", t.Name, t.MonthlyLimitUSD, budgets.BudgetCostFilterArgs{
			Name: pulumi.String("TagKeyValue"), Values: pulumi.StringArray{pulumi.String("user:" + config.TagTeam + "$" + t.Name)},
		}, emails, topic); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// budget is one monthly cost budget with its notifications.
func (s costSteps) budget(ctx *pulumi.Context, kind, of string, limitUSD float64, filter budgets.BudgetCostFilterArgs,
	emails []string, topic *sns.Topic) (*budgets.Budget, error) {
	b := s.args.Config.Budgets
	var notifications budgets.BudgetNotificationArray
	for _, n := range []struct {
		kind string
		pcts []float64
	}{{"ACTUAL", b.ActualThresholdsPercent}, {"FORECASTED", b.ForecastThresholdsPercent}} {
		for _, pct := range n.pcts {
			notifications = append(notifications, budgets.BudgetNotificationArgs{
				ComparisonOperator:       pulumi.String("GREATER_THAN"),
				NotificationType:         pulumi.String(n.kind),
				Threshold:                pulumi.Float64(pct),
				ThresholdType:            pulumi.String("PERCENTAGE"),
				SubscriberEmailAddresses: pulumi.ToStringArray(emails),
				SubscriberSnsTopicArns:   pulumi.StringArray{topic.Arn},
			})
		}
	}
	name := s.n("budget", kind, of)
	bud, err := budgets.NewBudget(ctx, name, &budgets.BudgetArgs{
		Name:          pulumi.String(name),
		BudgetType:    pulumi.String("COST"),
		LimitAmount:   pulumi.String(usd(limitUSD)),
		LimitUnit:     pulumi.String("USD"),
		TimeUnit:      pulumi.String("MONTHLY"),
		CostFilters:   budgets.BudgetCostFilterArray{filter},
		Notifications: notifications,
	}, s.in()...)
	if err != nil {
		return nil, fmt.Errorf("creating the budget of %s %q: %w", kind, of, err)
	}
	return bud, nil
}

// hardLimits gives every account with a hard limit a budget action that attaches the deny-new-spend SCP when
// actual spend crosses the hard-limit percentage, run by a role AWS Budgets assumes.
func (s costSteps) hardLimits(ctx *pulumi.Context, topic *sns.Topic, accountBudgets map[string]*budgets.Budget) error {
	a, b := s.args, s.args.Config.Budgets
	var limited []config.Account
	policyInputs := []any{a.DenyNewSpendARN, s.mgmt}
	for _, acct := range a.Config.Accounts {
		if acct.Budget.HardLimit != nil && *acct.Budget.HardLimit {
			limited = append(limited, acct)
			policyInputs = append(policyInputs, a.AccountIDs[acct.Name])
		}
	}
	if len(limited) == 0 {
		return nil
	}
	role, err := iam.NewRole(ctx, s.n("actions-role"), &iam.RoleArgs{
		Name:        pulumi.String(naming.Limited(s.n("actions"), naming.MaxIAMRoleName)),
		Description: pulumi.String("Assumed by AWS Budgets to attach the deny-new-spend SCP"),
		AssumeRolePolicy: s.mgmt.ApplyT(func(account string) (string, error) {
			return BudgetActionsTrustPolicy(account).JSON()
		}).(pulumi.StringOutput),
	}, s.in()...)
	if err != nil {
		return fmt.Errorf("creating the budget actions role: %w", err)
	}
	if _, err := iam.NewRolePolicy(ctx, s.n("actions-policy"), &iam.RolePolicyArgs{
		Name: pulumi.String("attach-deny-new-spend"),
		Role: role.Name,
		Policy: pulumi.All(policyInputs...).ApplyT(func(xs []any) (string, error) {
			var accounts []string
			for _, x := range xs[2:] {
				accounts = append(accounts, x.(string))
			}
			return BudgetActionsPolicy(xs[0].(string), xs[1].(string), accounts).JSON()
		}).(pulumi.StringOutput),
	}, s.in()...); err != nil {
		return fmt.Errorf("creating the budget actions policy: %w", err)
	}
	subscribers := budgets.BudgetActionSubscriberArray{budgets.BudgetActionSubscriberArgs{
		Address: topic.Arn, SubscriptionType: pulumi.String("SNS")}}
	for _, e := range b.AlertEmails {
		subscribers = append(subscribers, budgets.BudgetActionSubscriberArgs{Address: pulumi.String(e), SubscriptionType: pulumi.String("EMAIL")})
	}
	for _, acct := range limited {
		if _, err := budgets.NewBudgetAction(ctx, s.n("hard-limit", acct.Name), &budgets.BudgetActionArgs{
			BudgetName:       accountBudgets[acct.Name].Name,
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
					PolicyId:  a.DenyNewSpendID,
					TargetIds: pulumi.StringArray{a.AccountIDs[acct.Name]},
				},
			},
			Subscribers: subscribers,
		}, s.in()...); err != nil {
			return fmt.Errorf("creating the hard-limit action of account %q: %w", acct.Name, err)
		}
	}
	return nil
}

// Cost Explorer's resources are registered by type token with the local input types below rather than through
// the SDK's costexplorer package: that package is 1.2 MB of generated Go, 17.7 s of the program's cold build
// (docs/PERFORMANCE.md), for these three types. The input names are the provider's, checked
// against the SDK's types in tests.
const (
	anomalyMonitorType      = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
	anomalySubscriptionType = "aws:costexplorer/anomalySubscription:AnomalySubscription"
	costAllocationTagType   = "aws:costexplorer/costAllocationTag:CostAllocationTag"
)

type anomalyMonitor struct {
	Name                 string             `pulumi:"name"`
	MonitorType          string             `pulumi:"monitorType"`
	MonitorSpecification pulumi.StringInput `pulumi:"monitorSpecification"`
}

func (anomalyMonitor) ElementType() reflect.Type { return reflect.TypeFor[anomalyMonitor]() }

type anomalySubscription struct {
	Name                string                  `pulumi:"name"`
	Frequency           string                  `pulumi:"frequency"`
	MonitorArnLists     pulumi.StringArrayInput `pulumi:"monitorArnLists"`
	Subscribers         []anomalySubscriber     `pulumi:"subscribers"`
	ThresholdExpression anomalyThreshold        `pulumi:"thresholdExpression"`
}

func (anomalySubscription) ElementType() reflect.Type { return reflect.TypeFor[anomalySubscription]() }

type anomalySubscriber struct {
	Type    string             `pulumi:"type"`
	Address pulumi.StringInput `pulumi:"address"`
}

// anomalyThreshold is a threshold expression on one dimension.
type anomalyThreshold struct {
	Dimension anomalyDimension `pulumi:"dimension"`
}

type anomalyDimension struct {
	Key          string   `pulumi:"key"`
	MatchOptions []string `pulumi:"matchOptions"`
	Values       []string `pulumi:"values"`
}

type costAllocationTag struct {
	TagKey string `pulumi:"tagKey"`
	Status string `pulumi:"status"`
}

func (costAllocationTag) ElementType() reflect.Type { return reflect.TypeFor[costAllocationTag]() }

// anomalyDetection creates the linked-account monitors and a daily email digest and an immediate SNS alert.
func (s costSteps) anomalyDetection(ctx *pulumi.Context, topic *sns.Topic) error {
	ad := s.args.Config.AnomalyDetection
	monitors, err := anomalyMonitors(ctx, s.name, s.args.AccountIDs, s.in()...)
	if err != nil {
		return err
	}
	threshold := anomalyThreshold{Dimension: anomalyDimension{
		Key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE", MatchOptions: []string{"GREATER_THAN_OR_EQUAL"}, Values: []string{usd(ad.ThresholdUSD)},
	}}
	var emailSubs []anomalySubscriber
	for _, e := range ad.Emails {
		emailSubs = append(emailSubs, anomalySubscriber{Type: "EMAIL", Address: pulumi.String(e)})
	}
	// Email subscribers only take daily or weekly summaries; the SNS subscription is immediate.
	for _, sub := range []struct {
		key, frequency string
		subs           []anomalySubscriber
	}{
		{"daily-email", "DAILY", emailSubs},
		{"immediate-sns", "IMMEDIATE", []anomalySubscriber{{Type: "SNS", Address: topic.Arn}}},
	} {
		if _, err := bytoken.Register[bytoken.Resource](ctx, anomalySubscriptionType, s.n("anomaly", sub.key), anomalySubscription{
			Name:                s.n("anomaly", sub.key),
			Frequency:           sub.frequency,
			MonitorArnLists:     monitors,
			Subscribers:         sub.subs,
			ThresholdExpression: threshold,
		}, s.in()...); err != nil {
			return fmt.Errorf("creating the anomaly subscription %q: %w", sub.key, err)
		}
	}
	return nil
}

// MaxAccountsPerMonitor is how many linked accounts one Cost Anomaly Detection monitor can track.
const MaxAccountsPerMonitor = 10

// anomalyMonitors creates linked-account monitors over every member account, ten accounts to a monitor. Not the
// AWS services (DIMENSIONAL SERVICE) monitor: an account has at most one, and every account that has used Cost
// Explorer already has AWS's default one, so creating another fails.
func anomalyMonitors(ctx *pulumi.Context, component string, accountIDs map[string]pulumi.StringOutput, opts ...pulumi.ResourceOption) (pulumi.StringArray, error) {
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
		m, err := bytoken.Register[bytoken.WithARN](ctx, anomalyMonitorType, scope.Child(component, "anomaly", key), anomalyMonitor{
			Name:                 scope.Child(component, "anomaly", key),
			MonitorType:          "CUSTOM",
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
