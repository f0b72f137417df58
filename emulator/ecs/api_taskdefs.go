package ecs

import "encoding/json"

// TaskDefinitionOutput is the response of RegisterTaskDefinition, DescribeTaskDefinition
// and DeregisterTaskDefinition. The task definition travels as the JSON encoding of a
// TaskDefinition: revisions are stored encoded and sent as they are.
type TaskDefinitionOutput struct {
	TaskDefinition json.RawMessage `json:"taskDefinition"`
	Tags           []Tag           `json:"tags,omitzero"`
}

// DescribeTaskDefinitionInput is the DescribeTaskDefinition request.
type DescribeTaskDefinitionInput struct {
	TaskDefinition string   `json:"taskDefinition"`
	Include        []string `json:"include,omitempty"`
}

// TaskDefinitionRef names one task definition (DeregisterTaskDefinition).
type TaskDefinitionRef struct {
	TaskDefinition string `json:"taskDefinition"`
}

// ListTaskDefinitionsInput is the ListTaskDefinitions request.
type ListTaskDefinitionsInput struct {
	FamilyPrefix *string `json:"familyPrefix,omitempty"`
	Status       *string `json:"status,omitempty"`
	Sort         *string `json:"sort,omitempty"`
	ListInput
}

// ListTaskDefinitionsOutput is the ListTaskDefinitions response.
type ListTaskDefinitionsOutput struct {
	TaskDefinitionArns []string `json:"taskDefinitionArns"`
	NextToken          *string  `json:"nextToken,omitempty"`
}

// ListTaskDefinitionFamiliesInput is the ListTaskDefinitionFamilies request.
type ListTaskDefinitionFamiliesInput struct {
	FamilyPrefix *string `json:"familyPrefix,omitempty"`
	Status       *string `json:"status,omitempty"`
	ListInput
}

// ListTaskDefinitionFamiliesOutput is the ListTaskDefinitionFamilies response.
type ListTaskDefinitionFamiliesOutput struct {
	Families  []string `json:"families"`
	NextToken *string  `json:"nextToken,omitempty"`
}

// DeleteTaskDefinitionsInput is the DeleteTaskDefinitions request.
type DeleteTaskDefinitionsInput struct {
	TaskDefinitions []string `json:"taskDefinitions"`
}

// DeleteTaskDefinitionsOutput is the DeleteTaskDefinitions response.
type DeleteTaskDefinitionsOutput struct {
	TaskDefinitions []json.RawMessage `json:"taskDefinitions"`
	Failures        []Failure         `json:"failures"`
}
