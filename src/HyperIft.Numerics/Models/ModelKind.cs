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
/// Everything a model is built from: p, C, the intercept switch and, for networks, the hidden widths
/// and the activation. A model reads what it needs and ignores the rest.
/// </summary>
public sealed record ModelShape(int Features, int Classes, bool Intercept, IReadOnlyList<int> Hidden, Activation Activation)
{
    public ModelShape(int features, int classes, bool intercept) : this(features, classes, intercept, [], Activation.Tanh) { }

    /// <summary>"256,128" → [256, 128]; the empty text is no hidden layer.</summary>
    public static int[] ParseHidden(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var parts = text.Split(',');
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out widths[i])
                || widths[i] < 1)
                throw new ArgumentException($"'{text}' is not a comma-separated list of positive integers (e.g. 256 or 256,128)");
        return widths;
    }
}

/// <summary>
/// A model as the rest of the system sees it: its name, the labels it takes (with their help text),
/// whether it is a network (takes --hidden and --activation) and how to build it from a shape.
/// Registered once, in <see cref="ModelKinds"/>.
/// </summary>
public sealed record ModelKind(string Name, LabelSet Labels, string LabelHelp, Func<ModelShape, Model> Build, bool Network = false)
{
    public Model Create(ModelShape shape) => Build(Labels == LabelSet.Classes ? shape : shape with { Classes = 1 });

    public Model Create(int features, int classes, bool intercept) => Create(new ModelShape(features, classes, intercept));

    /// <summary>Why a set of labels does not fit as a whole (each label alone may), or null.</summary>
    public string? LabelSetError(bool hasZero, bool hasMinusOne) =>
        Labels == LabelSet.Binary && hasZero && hasMinusOne ? "labels mix 0 and -1: use {0,1} or {-1,+1}" : null;
}
