namespace HyperIft.Numerics.Models;

/// <summary>What labels a model's loss takes: they decide how labels are checked, counted and generated.</summary>
public enum LabelSet
{
    /// <summary>Any finite number (regression).</summary>
    Real,

    /// <summary>{0, 1} or {−1, +1}, never a mix of 0 and −1.</summary>
    Binary,

    /// <summary>0..C−1; C is the largest training label + 1 unless given.</summary>
    Classes,
}

/// <summary>
/// A model as the rest of the system sees it: its name, the labels it takes (with their help text)
/// and how to build it for p features and C classes. Registered once, in <see cref="ModelKinds"/>.
/// </summary>
public sealed record ModelKind(string Name, LabelSet Labels, string LabelHelp, Func<int, int, bool, Model> Build)
{
    public Model Create(int features, int classes, bool intercept) => Build(features, Labels == LabelSet.Classes ? classes : 1, intercept);

    /// <summary>Why a set of labels does not fit as a whole (each label alone may), or null.</summary>
    public string? LabelSetError(bool hasZero, bool hasMinusOne) =>
        Labels == LabelSet.Binary && hasZero && hasMinusOne ? "labels mix 0 and -1: use {0,1} or {-1,+1}" : null;
}
