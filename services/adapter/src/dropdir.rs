//! The watched drop directory: a national system that exports files puts them here.
//!
//! Each file is ingested like an HTTP submission. Accepted: moved to `processed/`, with the
//! acknowledgement beside it (`<name>.ack`). Refused: moved to `rejected/`, with the refusal
//! beside it (`<name>.error`). When the broker or the database is down the file stays where
//! it is and is tried again. Names starting with `.` or ending in `.tmp` / `.part` are being
//! written and are left alone.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::service::{AdapterService, Ingested};
use crate::settings::DropSettings;

/// The drop-directory loop's parts.
#[derive(Debug)]
pub struct DropDirectory {
    directory: PathBuf,
    poll: Duration,
    service: Arc<AdapterService>,
}

impl DropDirectory {
    pub(crate) fn new(
        settings: &DropSettings,
        service: Arc<AdapterService>,
    ) -> anyhow::Result<Self> {
        for dir in [
            settings.directory.clone(),
            settings.directory.join("processed"),
            settings.directory.join("rejected"),
        ] {
            std::fs::create_dir_all(&dir).map_err(|e| {
                anyhow::anyhow!("cannot create the drop directory {}: {e}", dir.display())
            })?;
        }
        Ok(Self {
            directory: settings.directory.clone(),
            poll: Duration::from_millis(settings.poll_ms),
            service,
        })
    }

    /// Runs until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        tracing::info!(directory = %self.directory.display(), "watching the drop directory");
        while !*stop.borrow() {
            match ready_files(&self.directory) {
                Ok(files) => {
                    for file in files {
                        if !self.take(&file).await {
                            break;
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "cannot list the drop directory"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => break,
            }
        }
        Ok(())
    }

    /// Ingests one file; `false` when the hub is unavailable (try later).
    async fn take(&self, file: &Path) -> bool {
        let Ok(bytes) = read_capped(file).await else {
            return true; // gone or unreadable; the next poll sees it again if it is still there
        };
        let outcome = self.service.ingest(bytes.into(), "drop", None, None).await;
        let reply = self.service.reply(&outcome);
        let (folder, suffix) = match outcome {
            Ingested::Accepted { .. }
            | Ingested::TrainAccepted { .. }
            | Ingested::GuaranteeCheckAccepted { .. } => ("processed", "ack"),
            Ingested::Refused { .. } => ("rejected", "error"),
            Ingested::Unavailable(_) => return false,
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut target = self.directory.join(folder).join(&name);
        if target.exists() {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.f");
            target = self.directory.join(folder).join(format!("{name}.{stamp}"));
        }
        let answer = PathBuf::from(format!("{}.{suffix}", target.display()));
        if let Err(err) = tokio::fs::write(&answer, &reply.body).await {
            tracing::warn!(error = %err, file = %answer.display(), "cannot write the answer file");
        }
        if let Err(err) = tokio::fs::rename(file, &target).await {
            tracing::error!(error = %err, file = %file.display(), "cannot move the file out of the drop directory");
        } else {
            tracing::info!(file = %name, to = folder, "drop file handled");
        }
        true
    }
}

/// A file's bytes, but never more than one byte over the largest message a translator
/// accepts: a huge file is refused as oversize without being read into memory whole.
async fn read_capped(file: &Path) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let limit = transit_national::MAX_NATIONAL_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    tokio::fs::File::open(file)
        .await?
        .take(limit)
        .read_to_end(&mut bytes)
        .await?;
    Ok(bytes)
}

/// Files ready to read, oldest name first.
fn ready_files(directory: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !(name.starts_with('.') || name.ends_with(".tmp") || name.ends_with(".part"))
        })
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_huge_file_is_read_only_up_to_one_byte_over_the_limit() {
        let path = std::env::temp_dir().join(format!("sigmat-drop-cap-{}", std::process::id()));
        let limit = transit_national::MAX_NATIONAL_BYTES;
        std::fs::write(&path, vec![b'x'; limit + 4096]).unwrap();
        let bytes = read_capped(&path).await.unwrap();
        assert_eq!(bytes.len(), limit + 1);
        std::fs::write(&path, b"small").unwrap();
        assert_eq!(read_capped(&path).await.unwrap(), b"small");
        let _ = std::fs::remove_file(&path);
    }
}
