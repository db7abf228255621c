/** Where credentials come from: {@link dev.jreg.auth.Keychain} and docker's config.json. */
package dev.jreg.auth;
