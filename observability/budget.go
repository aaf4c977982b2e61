package observability

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// EC2ComputeService is the Cost Explorer service name of EC2 instance usage (On-Demand, Spot, Savings Plans
// coverage): the compute the cluster's node group and Karpenter's nodes run on. EBS, NAT and data transfer are
// "EC2 - Other" and stay out of this budget.
const EC2ComputeService = "Amazon Elastic Compute Cloud - Compute"

// ComputeBudget is a monthly cost budget on the account's EC2 compute spend that notifies the platform topic.
type ComputeBudget struct {
	MonthlyLimitUSD int
	// ActualPercent and ForecastPercent are the thresholds, in percent of the limit, that notify.
	ActualPercent   []int
	ForecastPercent []int
}

// BudgetARN is the ARN of a budget of that name in an account (budgets are global).
func BudgetARN(account, name string) string {
	return fmt.Sprintf("arn:aws:budgets::%s:budget/%s", account, name)
}

// computeBudget registers the budget. AWS Budgets evaluates it about three times a day, so it catches a runaway
// node pool within hours, not at the invoice; it is free (no actions, two budgets per account are free).
func computeBudget(ctx *pulumi.Context, s scope.Scope, parent pulumi.Resource, name string, b ComputeBudget, topic pulumi.StringOutput) error {
	var notifications budgets.BudgetNotificationArray
	for _, n := range []struct {
		kind string
		pcts []int
	}{{"ACTUAL", b.ActualPercent}, {"FORECASTED", b.ForecastPercent}} {
		for _, pct := range n.pcts {
			notifications = append(notifications, budgets.BudgetNotificationArgs{
				ComparisonOperator:     pulumi.String("GREATER_THAN"),
				NotificationType:       pulumi.String(n.kind),
				Threshold:              pulumi.Float64(float64(pct)),
				ThresholdType:          pulumi.String("PERCENTAGE"),
				SubscriberSnsTopicArns: pulumi.StringArray{topic},
			})
		}
	}
	if _, err := budgets.NewBudget(ctx, name, &budgets.BudgetArgs{
		Name:          pulumi.String(name),
		BudgetType:    pulumi.String("COST"),
		LimitAmount:   pulumi.String(strconv.Itoa(b.MonthlyLimitUSD) + ".00"),
		LimitUnit:     pulumi.String("USD"),
		TimeUnit:      pulumi.String("MONTHLY"),
		CostFilters:   budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{Name: pulumi.String("Service"), Values: pulumi.StringArray{pulumi.String(EC2ComputeService)}}},
		Notifications: notifications,
	}, s.In(parent)...); err != nil {
		return fmt.Errorf("creating the compute budget %s: %w", name, err)
	}
	return nil
}
