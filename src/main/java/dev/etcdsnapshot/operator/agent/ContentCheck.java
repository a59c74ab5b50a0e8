package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.engine.ContentVerifier;
import dev.etcdsnapshot.engine.MemberKvHash;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;

/** Proves a snapshot the agent just saved in its directory against the member it was taken from. */
public interface ContentCheck {

  /** The verdict on the local file {@code fileName}; never throws for a bad file or an unreachable member. */
  ContentProof prove(String fileName);

  /** The engine's proof of files in {@code local}, against {@code member}, inflating zips into {@code verifier}'s dir. */
  static ContentCheck of(LocalSnapshotStore local, MemberKvHash member, ContentVerifier verifier) {
    return fileName -> verifier.proveSaved(local.pathOf(fileName), member);
  }
}
