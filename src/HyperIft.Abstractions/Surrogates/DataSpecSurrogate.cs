using HyperIft.Data;

namespace HyperIft.Abstractions.Surrogates;

[GenerateSerializer, Immutable]
internal struct DataSpecSurrogate
{
    [Id(0)] public string Source;
    [Id(1)] public DataPart Part;
    [Id(2)] public string Model;
    [Id(3)] public int? LabelColumn;
    [Id(4)] public int? Features;
    [Id(5)] public string? Fingerprint;
    [Id(6)] public bool Sparse;
}

[RegisterConverter]
internal sealed class DataSpecConverter : IConverter<DataSpec, DataSpecSurrogate>
{
    public DataSpec ConvertFromSurrogate(in DataSpecSurrogate s) => new(s.Source, s.Part, s.Model, s.LabelColumn, s.Features, s.Fingerprint, s.Sparse);

    public DataSpecSurrogate ConvertToSurrogate(in DataSpec v) => new()
    {
        Source = v.Source, Part = v.Part, Model = v.Model, LabelColumn = v.LabelColumn, Features = v.Features, Fingerprint = v.Fingerprint,
        Sparse = v.Sparse,
    };
}
