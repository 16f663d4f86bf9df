<?xml version="1.0" encoding="UTF-8"?>
<!-- A forecast of next month in classes of the study area: each cell's value is the percentage of the area scoring at least as high, so the darkest class is the hottest 1% of the area. -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>forecast</Name>
    <UserStyle>
      <Name>forecast</Name>
      <Title>Forecast hottest share of the area next month</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>forecast</Name>
          <Title>Hottest share of the area</Title>
          <RasterSymbolizer>
            <Opacity>0.85</Opacity>
            <!-- SLD 1.0 has only colour ramps; each class is a flat stretch of the ramp, as in density-classes.sld. -->
            <ColorMap>
              <ColorMapEntry color="#67000D" opacity="1" quantity="0" label="Hottest 1% of the area"/>
              <ColorMapEntry color="#67000D" opacity="1" quantity="1"/>
              <ColorMapEntry color="#E31A1C" opacity="0.95" quantity="1.0001" label="1 to 5%"/>
              <ColorMapEntry color="#E31A1C" opacity="0.95" quantity="5"/>
              <ColorMapEntry color="#FD8D3C" opacity="0.85" quantity="5.0001" label="5 to 10%"/>
              <ColorMapEntry color="#FD8D3C" opacity="0.85" quantity="10"/>
              <ColorMapEntry color="#FED976" opacity="0.7" quantity="10.0001" label="10 to 20%"/>
              <ColorMapEntry color="#FED976" opacity="0.7" quantity="20"/>
              <ColorMapEntry color="#FFFFFF" opacity="0" quantity="20.0001"/>
              <ColorMapEntry color="#FFFFFF" opacity="0" quantity="100"/>
            </ColorMap>
          </RasterSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
