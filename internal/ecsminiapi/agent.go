package ecsminiapi

import (
	"context"
	"net/http"
)

// AgentTokenPath serves the join token remote agents need (package anywhere mounts it,
// for clients on the ecsmini machine only).
const AgentTokenPath = "/_ecsmini/agent/token"

// TokenAnswer carries the join token.
type TokenAnswer struct {
	Token string `json:"token"`
}

// JoinToken asks the ecsmini for its agents' join token.
func (c *Client) JoinToken(ctx context.Context) (string, error) {
	var out TokenAnswer
	err := c.do(ctx, "join token", http.MethodGet, AgentTokenPath, nil, &out)
	return out.Token, err
}
