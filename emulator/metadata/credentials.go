package metadata

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// serveCredentials answers GET /v2/credentials/{id} with the agent's status codes: 400
// NoIdInRequest or InvalidIdInRequest when the ID is missing or unknown. A wrong or
// missing Authorization header, when the credentials require one, is 401 and reveals
// nothing about them.
func (h *handler) serveCredentials(w http.ResponseWriter, r *http.Request, id string) {
	if id == "" {
		writeError(w, http.StatusBadRequest, "NoIdInRequest", "CredentialsV2Request: No Credential ID in the request")
		return
	}
	creds, ok := h.src.Credentials(id)
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found")
		return
	}
	if creds.Authorization != "" &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(creds.Authorization)) != 1 {
		writeError(w, http.StatusUnauthorized, "AccessDenied", "CredentialsV2Request: Authorization header missing or wrong")
		return
	}
	writeJSON(w, http.StatusOK, credentialsResponse{
		RoleArn:         creds.RoleARN,
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		Token:           creds.SessionToken,
		Expiration:      creds.Expiration.UTC().Format(time.RFC3339),
	})
}
