// A Go relying party on go-oidc 2.1 and golang.org/x/oauth2 (Debian 12's packages), with
// go-oidc's default verifier: it accepts RS256 only, as many libraries do.
//
// Line 1 on stdin: the job as JSON. It prints the authorization URL (code + PKCE) as a JSON line,
// reads the app's callback URL (whoever played the browser) as line 2, exchanges the code,
// verifies the ID token against the provider's JWKS, fetches userinfo, and prints what it saw.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"

	oidc "github.com/coreos/go-oidc"
	"golang.org/x/oauth2"
)

type job struct {
	Issuer       string            `json:"issuer"`
	ClientID     string            `json:"client_id"`
	ClientSecret string            `json:"client_secret"`
	RedirectURI  string            `json:"redirect_uri"`
	Params       map[string]string `json:"params"`
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		fail(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	ctx := context.Background()
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadString('\n')
	if err != nil {
		fail(err)
	}
	var j job
	if err := json.Unmarshal([]byte(line), &j); err != nil {
		fail(err)
	}

	// Discovery: go-oidc refuses a document whose issuer is not the one asked for.
	provider, err := oidc.NewProvider(ctx, j.Issuer)
	if err != nil {
		fail(err)
	}
	conf := oauth2.Config{
		ClientID:     j.ClientID,
		ClientSecret: j.ClientSecret,
		Endpoint:     provider.Endpoint(),
		RedirectURL:  j.RedirectURI,
		Scopes:       []string{oidc.ScopeOpenID, "email"},
	}
	state, nonce, verifier := random(), random(), random()
	challenge := sha256.Sum256([]byte(verifier))
	options := []oauth2.AuthCodeOption{
		oidc.Nonce(nonce),
		oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(challenge[:])),
		oauth2.SetAuthURLParam("code_challenge_method", "S256"),
	}
	for key, value := range j.Params {
		options = append(options, oauth2.SetAuthURLParam(key, value))
	}
	start, _ := json.Marshal(map[string]string{"authorization_url": conf.AuthCodeURL(state, options...)})
	fmt.Println(string(start))

	line, err = in.ReadString('\n')
	if err != nil {
		fail(err)
	}
	callback, err := url.Parse(line[:len(line)-1])
	if err != nil {
		fail(err)
	}
	if callback.Query().Get("state") != state {
		fail(fmt.Errorf("state mismatch"))
	}
	token, err := conf.Exchange(ctx, callback.Query().Get("code"), oauth2.SetAuthURLParam("code_verifier", verifier))
	if err != nil {
		fail(err)
	}
	rawIDToken, ok := token.Extra("id_token").(string)
	if !ok {
		fail(fmt.Errorf("no id_token in the token response"))
	}
	// The defaults: signature against the JWKS, RS256 only, issuer, audience, expiry.
	idToken, err := provider.Verifier(&oidc.Config{ClientID: j.ClientID}).Verify(ctx, rawIDToken)
	if err != nil {
		fail(err)
	}
	if idToken.Nonce != nonce {
		fail(fmt.Errorf("nonce mismatch"))
	}
	var claims map[string]interface{}
	if err := idToken.Claims(&claims); err != nil {
		fail(err)
	}
	userInfo, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
	if err != nil {
		fail(err)
	}
	var userInfoClaims map[string]interface{}
	if err := userInfo.Claims(&userInfoClaims); err != nil {
		fail(err)
	}
	done, _ := json.Marshal(map[string]interface{}{"subject": idToken.Subject, "claims": claims, "userinfo": userInfoClaims})
	fmt.Println(string(done))
}
