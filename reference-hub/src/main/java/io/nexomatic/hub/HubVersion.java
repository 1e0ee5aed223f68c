package io.nexomatic.hub;

/** The reference Hub's version, from the jar manifest when packaged. */
public final class HubVersion {
  /** The version string sent in Welcome. */
  public static final String VERSION =
      "nexomatic-reference-hub/"
          + (HubVersion.class.getPackage().getImplementationVersion() == null
              ? "dev"
              : HubVersion.class.getPackage().getImplementationVersion());

  private HubVersion() {}
}
