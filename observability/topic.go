// Package observability makes what the estate records reach people and shows what runs: security alerts in
// Security Tooling (EventBridge rules to KMS-encrypted SNS topics per severity), the platform's CloudWatch alarms
// in the network and workload stacks, and each cluster's metrics and logs.
//
// Every alert topic has the shape of the billing topic (org/costs.go): a customer-managed key that only the
// publishing service of this account may use, a topic policy that lets only the named rules or alarms publish
// (aws:SourceArn), TLS only, and email subscriptions from config.
package observability

import (
	"fmt"
	"reflect"
	"slices"

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
)

// Publishing services.
const (
	EventBridge = "events.amazonaws.com"
	CloudWatch  = "cloudwatch.amazonaws.com"
	// Budgets publishes budget notifications (the compute-spend budget of a workload account).
	Budgets = "budgets.amazonaws.com"
)

// topicSpec is one alert topic: its name, who publishes (a service and the ARNs of its rules or alarms) and where
// it goes.
type topicSpec struct {
	name       string
	service    string
	publishers []string
	route      config.AlertRoute
	// budgets, when set, are budgets of this account that notify the topic too.
	budgets []string
}

// TopicARN is the ARN an SNS topic of that name has in the scope's account and region.
func TopicARN(s scope.Scope, name string) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s", s.Region, s.AccountID, name)
}

// alertTopic creates the key, its alias, the topic, its policy, the email subscriptions and, when configured, the
// chat channel. Cost: $1/month for the key; SNS email within the free tier at alert volumes.
func alertTopic(ctx *pulumi.Context, s scope.Scope, parent pulumi.Resource, t topicSpec) (*sns.Topic, error) {
	child := s.In(parent)
	services := []string{t.service}
	if len(t.budgets) > 0 {
		services = append(services, Budgets)
	}
	keyPolicy, err := TopicKeyPolicy(s.AccountID, services...).JSON()
	if err != nil {
		return nil, err
	}
	key, err := kmskey.New(ctx, scope.Child(t.name, "key"), pulumi.String("Encrypts the "+t.name+" alert topic"), pulumi.String(keyPolicy), child...)
	if err != nil {
		return nil, fmt.Errorf("topic %s: creating the key: %w", t.name, err)
	}
	if _, err := kms.NewAlias(ctx, scope.Child(t.name, "key-alias"), &kms.AliasArgs{
		Name: pulumi.String("alias/" + t.name), TargetKeyId: key.KeyId,
	}, child...); err != nil {
		return nil, fmt.Errorf("topic %s: creating the key alias: %w", t.name, err)
	}
	topic, err := sns.NewTopic(ctx, t.name, &sns.TopicArgs{Name: pulumi.String(t.name), KmsMasterKeyId: key.Arn}, child...)
	if err != nil {
		return nil, fmt.Errorf("topic %s: creating it: %w", t.name, err)
	}
	doc := TopicPolicy(TopicARN(s, t.name), t.service, t.publishers)
	if len(t.budgets) > 0 {
		doc.Statement = append(doc.Statement, BudgetsPublish(TopicARN(s, t.name), s.AccountID))
	}
	policy, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	if _, err := sns.NewTopicPolicy(ctx, scope.Child(t.name, "policy"), &sns.TopicPolicyArgs{
		Arn: topic.Arn, Policy: pulumi.String(policy),
	}, child...); err != nil {
		return nil, fmt.Errorf("topic %s: creating its policy: %w", t.name, err)
	}
	for i, email := range t.route.Emails {
		if _, err := sns.NewTopicSubscription(ctx, scope.Child(t.name, "email", fmt.Sprint(i)), &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
		}, child...); err != nil {
			return nil, fmt.Errorf("topic %s: subscribing %s: %w", t.name, email, err)
		}
	}
	if c := t.route.Chat; c != nil {
		if err := chatChannel(ctx, s, parent, t.name, c, topic); err != nil {
			return nil, fmt.Errorf("topic %s: %w", t.name, err)
		}
	}
	return topic, nil
}

// ChatGuardrailPolicy bounds what anyone in the channel can do through AWS Chatbot: read, nothing else.
const ChatGuardrailPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess"

// chatChannel posts the topic to a Slack channel through AWS Chatbot, with a role that has no permissions of its
// own (notifications only).
func chatChannel(ctx *pulumi.Context, s scope.Scope, parent pulumi.Resource, name string, c *config.Chat, topic *sns.Topic) error {
	role, err := iam.NewRole(ctx, scope.Child(name, "chat-role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(scope.Child(name, "chat"), naming.MaxIAMRoleName)),
		Description:      pulumi.String("AWS Chatbot channel role: notifications only"),
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("chatbot.amazonaws.com", s.AccountID).MustJSON()),
	}, s.In(parent)...)
	if err != nil {
		return fmt.Errorf("creating the chat role: %w", err)
	}
	if _, err := bytoken.Register[bytoken.Resource](ctx, slackChannelType, scope.Child(name, "chat"), slackChannel{
		ConfigurationName:   scope.Child(name, "chat"),
		IAMRoleARN:          role.Arn,
		SlackTeamID:         c.SlackTeamID,
		SlackChannelID:      c.SlackChannelID,
		SNSTopicARNs:        pulumi.StringArray{topic.Arn},
		GuardrailPolicyARNs: []string{ChatGuardrailPolicy},
	}, s.In(parent)...); err != nil {
		return fmt.Errorf("creating the chat channel: %w", err)
	}
	return nil
}

// slackChannelType is AWS Chatbot's Slack channel, registered by type token with the local inputs below rather than
// through the SDK's chatbot package (about 1.5 s of the program's cold build, docs/PERFORMANCE.md, for one
// resource type). The input names are the provider's, checked against the SDK's types in tests.
const slackChannelType = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"

type slackChannel struct {
	ConfigurationName   string                  `pulumi:"configurationName"`
	IAMRoleARN          pulumi.StringInput      `pulumi:"iamRoleArn"`
	SlackTeamID         string                  `pulumi:"slackTeamId"`
	SlackChannelID      string                  `pulumi:"slackChannelId"`
	SNSTopicARNs        pulumi.StringArrayInput `pulumi:"snsTopicArns"`
	GuardrailPolicyARNs []string                `pulumi:"guardrailPolicyArns"`
}

func (slackChannel) ElementType() reflect.Type { return reflect.TypeFor[slackChannel]() }

// TopicKeyPolicy lets the account administer the key and the publishing services use it for this account only:
// a service publishing to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on its key, and an AWS
// managed key (alias/aws/sns) cannot grant them, so deliveries would fail silently.
func TopicKeyPolicy(account string, services ...string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.AccountAdministers(account),
		iampolicy.Statement{Sid: "PublisherEncrypts", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: services},
			Action:    []string{"kms:GenerateDataKey*", "kms:Decrypt"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {account}}}},
	)
}

// TopicPolicy lets only the named rules or alarms publish, over TLS only.
func TopicPolicy(topicARN, service string, publishers []string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "NamedPublishers", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{service}},
			Action:    []string{"sns:Publish"}, Resource: []string{topicARN},
			Condition: iampolicy.Condition{"ArnEquals": {"aws:SourceArn": slices.Sorted(slices.Values(publishers))}}},
		iampolicy.DenyInsecureTransport([]string{"sns:Publish"}, topicARN),
	)
}

// BudgetsPublish lets AWS Budgets publish this account's budget notifications, the statement the Budgets guide
// gives (aws:SourceAccount and an aws:SourceArn of the account's budgets).
func BudgetsPublish(topicARN, account string) iampolicy.Statement {
	return iampolicy.Statement{Sid: "BudgetsPublish", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{Budgets}},
		Action:    []string{"sns:Publish"}, Resource: []string{topicARN},
		Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike": {"aws:SourceArn": {"arn:aws:budgets::" + account + ":*"}}}}
}
