//! HTTP for the registry tests: one way to send a request and the answer as the tests read it.
//! Requests never fail on an error status; the tests judge the status themselves.

use std::time::Duration;

use serde_json::{Value, json};

/// The Confluent Schema Registry media type.
pub const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Every `Content-Type` value, joined (normally one).
    pub content_type: String,
    pub www_authenticate: Vec<String>,
    pub body: String,
}

impl Reply {
    /// The body as JSON; panics (naming the body) when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts 200 with the registry's media type; returns the JSON body.
    #[track_caller]
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.content_type, MEDIA_TYPE);
        self.json()
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Reply {
        assert_eq!(self.status, status, "{}", self.body);
        self
    }

    /// Asserts a Confluent error: HTTP status, `error_code`, a message, the media type. Returns
    /// the message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: u64) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        let body = self.json();
        assert_eq!(body["error_code"], json!(code), "{}", self.body);
        let message = body["message"].as_str().unwrap_or_default().to_owned();
        assert!(!message.is_empty(), "{}", self.body);
        assert_eq!(self.content_type, MEDIA_TYPE);
        message
    }
}

/// Sends `method url` with `headers` and, for POST and PUT, `body`, waiting at most `timeout`.
/// Panics when no answer comes (connection refused, timeout).
pub fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    timeout: Duration,
) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let result = match method {
        "GET" | "DELETE" => {
            let mut request = if method == "GET" {
                agent.get(url)
            } else {
                agent.delete(url)
            };
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.call()
        }
        "POST" | "PUT" => {
            let mut request = if method == "POST" {
                agent.post(url)
            } else {
                agent.put(url)
            };
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.send(body)
        }
        other => panic!("method {other}"),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let header = |name: &str| -> Vec<String> {
        response
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    };
    let content_type = header("content-type").concat();
    let www_authenticate = header("www-authenticate");
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_else(|e| panic!("{method} {url}: the body is not text: {e}"));
    Reply {
        status: response.status().as_u16(),
        content_type,
        www_authenticate,
        body,
    }
}
