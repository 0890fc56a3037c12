//! The account, for `coach whoami`.

use chrono::Local;
use interview_coach_proto::identity::v1::User;

use crate::time;

/// Who the user is.
pub fn user(user: &User) -> String {
    let mut lines = vec![
        format!("{} <{}>", user.name, user.email),
        format!("user id: {}", user.id),
    ];
    if let Some(created) = time::optional_datetime(user.create_time.as_ref()) {
        let since = created.with_timezone(&Local).format("%Y-%m-%d");
        lines.push(format!("member since: {since}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_name_email_id_and_creation_date() {
        let shown = user(&User {
            id: "6c0e".into(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            create_time: Some(prost_types::Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            update_time: None,
        });
        assert!(
            shown.starts_with("Ada <ada@example.com>\nuser id: 6c0e\nmember since: 2023-11-1"),
            "{shown}"
        );
    }
}
