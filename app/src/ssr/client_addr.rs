//! Who is on the other end of a request, for per-client throttles. Behind a trusted proxy the
//! client is the address that proxy saw, which it appends as the last `X-Forwarded-For` hop;
//! everything left of it was written by the client and proves nothing.
use std::net::IpAddr;

use axum::http::HeaderMap;

/// The client address: the peer itself, or (when the peer is our trusted proxy) the rightmost
/// `X-Forwarded-For` hop that is not one of the further `trusted` proxies. A malformed hop ends
/// the walk: the one before it (closer to us) is the best we know.
pub fn client_ip(
    peer: IpAddr,
    headers: &HeaderMap,
    trust_proxy: bool,
    trusted: &[IpAddr],
) -> IpAddr {
    // Only a proxy can be the trusted proxy: a peer on a public address that reached us
    // directly (the app port left open) is the client, whatever header it wrote.
    if !trust_proxy || !(is_internal(peer) || trusted.contains(&peer)) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => return client,
        }
    }
    client
}

/// Loopback or a private network: where a load balancer in front of us sits.
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unique_local()
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

/// The key a client's failed logins are counted under. One IPv6 host usually holds a whole
/// /64 and can pick any address in it, so an IPv6 client is its /64.
pub fn throttle_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Whether the request reached our trusted proxy over https.
pub fn forwarded_https(headers: &HeaderMap, trust_proxy: bool) -> bool {
    trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let peer = ip("10.0.0.1");
        let h = headers(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_ip(peer, &h, true, &[]), ip("203.0.113.7"));
        // Spread over two header lines, and behind a second proxy we trust.
        let h = headers(&["6.6.6.6", "203.0.113.7, 198.51.100.2"]);
        assert_eq!(
            client_ip(peer, &h, true, &[ip("198.51.100.2")]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn without_a_trusted_proxy_or_a_readable_header_the_peer_is_the_client() {
        let peer = ip("192.0.2.5");
        let h = headers(&["6.6.6.6"]);
        assert_eq!(client_ip(peer, &h, false, &[]), peer);
        assert_eq!(client_ip(peer, &headers(&[]), true, &[]), peer);
        assert_eq!(
            client_ip(peer, &headers(&["1.2.3.4, junk"]), true, &[]),
            peer
        );
    }

    #[test]
    fn a_public_peer_is_never_taken_for_the_proxy() {
        let h = headers(&["6.6.6.6"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &h, true, &[]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("203.0.113.9"), &h, true, &[ip("203.0.113.9")]),
            ip("6.6.6.6")
        );
        assert_eq!(client_ip(ip("127.0.0.1"), &h, true, &[]), ip("6.6.6.6"));
        assert_eq!(client_ip(ip("fd00::1"), &h, true, &[]), ip("6.6.6.6"));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            throttle_key(ip("2001:db8:1:2:bbbb::7"))
        );
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(throttle_key(ip("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(throttle_key(ip("192.0.2.1")), "192.0.2.1");
    }

    #[test]
    fn https_is_only_believed_from_the_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(forwarded_https(&h, true));
        assert!(!forwarded_https(&h, false));
    }
}
