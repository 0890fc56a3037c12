//! `coach logout`: revoke the stored login on the server and forget it here.

use std::io::{BufRead, Write};

use crate::{console::Console, context::Context, errors::Error};

/// Revokes the stored refresh token and deletes the credentials file. The file is deleted
/// even when the server cannot be told; the error is reported all the same.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let credentials = match context.store().load() {
        Ok(Some(credentials)) => credentials,
        Ok(None) => {
            writeln!(console.out(), "Not logged in.")?;
            return Ok(());
        }
        Err(Error::DamagedCredentials { .. }) => {
            context.store().delete()?;
            writeln!(console.out(), "Removed a damaged login file.")?;
            return Ok(());
        }
        Err(err) => return Err(err),
    };
    let revoked = match context.identity().await {
        Ok(mut identity) => identity.logout(&credentials.refresh_token).await,
        Err(err) => Err(err),
    };
    context.store().delete()?;
    match revoked {
        Ok(()) => {
            writeln!(console.out(), "Logged out.")?;
            Ok(())
        }
        Err(err) => {
            writeln!(
                console.out(),
                "Forgot the login here, but could not revoke it on the server."
            )?;
            Err(err)
        }
    }
}
