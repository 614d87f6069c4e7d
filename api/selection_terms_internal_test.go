package api

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// §8.5: a regional call's convention counts for the department where its action
// takes place; the decision names a department of the call's region, for a
// retained dossier of a regional call only. Nothing else is accepted.
func TestActionDepartmentOfARegionalCall(t *testing.T) {
	regional := &models.Campaign{Level: models.LevelRegional, Territory: "84"}
	departmental := &models.Campaign{Level: models.LevelDepartmental, Territory: "69"}
	for _, tc := range []struct {
		name string
		c    *models.Campaign
		d    DecisionInput
		want string // the department kept
		rule string // the refusal, if any
	}{
		{"a department of the region", regional, DecisionInput{Decision: "retenu", ActionDepartment: "38"}, "38", ""},
		{"spaces around", regional, DecisionInput{Decision: "retenu", ActionDepartment: " 01 "}, "01", ""},
		{"left out: interdepartmental", regional, DecisionInput{Decision: "retenu"}, "", ""},
		{"a department of another region", regional, DecisionInput{Decision: "retenu", ActionDepartment: "75"}, "", "department_of_region"},
		{"01 is the Ain, not Guadeloupe's region", &models.Campaign{Level: models.LevelRegional, Territory: "01"},
			DecisionInput{Decision: "retenu", ActionDepartment: "01"}, "", "department_of_region"},
		{"unknown code", regional, DecisionInput{Decision: "retenu", ActionDepartment: "6%d9"}, "", "department_of_region"},
		{"departmental call", departmental, DecisionInput{Decision: "retenu", ActionDepartment: "69"}, "", "regional_call_only"},
		{"not retained", regional, DecisionInput{Decision: "non_retenu", ActionDepartment: "38"}, "", "retained_only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &validation{}
			got := checkActionDepartment(v, "decisions[0].action_department", tc.c, tc.d)
			require.Equal(t, tc.want, got)
			if tc.rule == "" {
				require.Empty(t, v.errs)
				return
			}
			require.Len(t, v.errs, 1)
			require.Equal(t, FieldError{Field: "decisions[0].action_department", Rule: tc.rule, Message: v.errs[0].Message}, v.errs[0])
			require.NotContains(t, v.errs[0].Message, "%!", "the code is written as given")
		})
	}
}
