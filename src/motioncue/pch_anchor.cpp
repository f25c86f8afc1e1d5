// Anchor translation unit of the precompiled-header target; it has no code of its own.
