using HyperIft.Abstractions;
using HyperIft.Data;

namespace HyperIft.Grains;

/// <summary>Between the wire messages and the numerical and data libraries, which know nothing of Orleans.</summary>
public static class Conversions
{
    public static DataSpec ToDataSpec(this DataSetSpec s) =>
        new(s.Source, s.ValidationPart ? DataPart.Validation : DataPart.Train, s.Model, s.LabelColumn, s.Features);
}
